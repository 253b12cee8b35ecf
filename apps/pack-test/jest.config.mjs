import { jestConfig } from '../../jest.preset.mjs';

const config = jestConfig('pack-test');
// There is no src/: the subject is the packed tarballs.
export default { ...config, roots: ['<rootDir>/test'] };
