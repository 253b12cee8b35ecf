// The two calls quiet-library-debug.ts makes on the `debug` package (which ships no types; a
// @types package for two functions is not worth a dependency). Not part of the published types.
declare module 'debug' {
  const debug: { enable(namespaces: string): void; disable(): string };
  export default debug;
}
