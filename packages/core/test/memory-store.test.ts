import { MemoryStore } from '../src/index.js';
import { describeTokenStore } from '../src/testing/index.js';

describeTokenStore('MemoryStore', () => new MemoryStore(), { entries: true });
