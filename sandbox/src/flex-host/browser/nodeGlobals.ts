/**
 * Node globals some of Flex's dependencies still read (`process.env`, `Buffer`), injected by esbuild
 * into the page bundle wherever a module uses them: the browser builds of `process` and `buffer`.
 */
import { Buffer } from 'buffer/';
import process from 'process/browser';

export { Buffer, process };
