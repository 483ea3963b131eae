// DISPATCHLAB_LAYER_FN: the one attribute every layer function carries, so that profilers see the layer.
//
// A profiler charges a sample or an instruction to the innermost `dispatchlab::layers::<layer>` frame on its
// call stack (docs/perf.md, experiments/profiling/symbol_layers.h). That only works if the function's frame
// is on the stack while its work runs. Two optimisations remove it: inlining (the code moves into the
// caller) and sibling-call optimisation (a function whose last act is a call jumps to the callee instead of
// calling it, so the callee runs with the caller's caller as its return address: `PackInitializers` became
// `jmp PySequence_Tuple`, and perf charged args_tuple nothing). CPython has no such functions; they are
// dispatchlab's labels, and the label must not change what is measured beyond a call and a return.
//
// Every function in namespace `dispatchlab::layers::<layer>` and `dispatchlab::essential` is declared
//
//     DISPATCHLAB_LAYER_FN Object* PackInitializers(Object* source);
//
// which means: never inlined, and no tail call out of it, with both compilers the project builds with
// (g++ 12: noinline + optimize("no-optimize-sibling-calls"); clang 14: noinline + disable_tail_calls).
// Nothing else changes: the body is optimised as the rest of the build, helpers are still inlined into it,
// and the rest of the program keeps its sibling calls. tests/dispatch/layer_frames_test.cc disassembles the
// test binary and fails when a layer function is missing or ends in a jump to another function.
#ifndef DISPATCHLAB_CORE_LAYER_FRAME_H_
#define DISPATCHLAB_CORE_LAYER_FRAME_H_

#if defined(__clang__)
#define DISPATCHLAB_LAYER_FN __attribute__((noinline, disable_tail_calls))
#elif defined(__GNUC__)
#define DISPATCHLAB_LAYER_FN __attribute__((noinline, optimize("no-optimize-sibling-calls")))
#else
#define DISPATCHLAB_LAYER_FN
#endif

#endif  // DISPATCHLAB_CORE_LAYER_FRAME_H_
