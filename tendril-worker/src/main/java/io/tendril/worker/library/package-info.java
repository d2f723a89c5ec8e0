/**
 * The library process: a long-lived JVM, started by a worker once per classpath, that runs function
 * calls (graph tasks) on a number of slot threads without a process start per call. {@link
 * io.tendril.worker.library.LibraryMain} is its entry point; {@link
 * io.tendril.worker.library.LibraryFrames} is the framing both it and the worker use on its
 * standard input and output. Everything else in this package is the library's own machinery.
 */
package io.tendril.worker.library;
