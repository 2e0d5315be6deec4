/** The `process` package's browser build (no types of its own): Node's `process` object, browser-side. */
declare module 'process/browser' {
  const process: NodeJS.Process;
  export default process;
}
