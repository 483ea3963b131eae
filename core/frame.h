// Frames: where a running Python-level function keeps its locals and its value stack.
//
// Two designs, one per era, switched by the `frame_object` layer (docs/why.md):
//   3.11+  _PyInterpreterFrame (Include/internal/pycore_frame.h), bump-allocated on the thread's data
//          stack (_PyThreadState_BumpFramePointer / _PyThreadState_PopFrame, Python/pystate.c), in
//          chunks of 16 KiB; no object is made unless someone asks for one.
//   3.6    PyFrameObject (Objects/frameobject.c), a GC object made per call by _PyFrame_New_NoTrack: the
//          code's zombie frame if it has one, else the free list (at most 200), else a new allocation;
//          frame_dealloc parks it back on the code (co_zombieframe) or on the free list.
// Both hold the same thing for the loop: localsplus (the locals, then the value stack).
#ifndef DISPATCHLAB_CORE_FRAME_H_
#define DISPATCHLAB_CORE_FRAME_H_

#include <cstddef>

#include "core/code.h"
#include "core/object.h"

namespace dispatchlab {

// ---- 3.11: the thread's data stack ----
struct _PyInterpreterFrame {
  Object* f_func;  // strong reference
  TypeDict* f_globals;
  Object* f_code;  // strong reference
  _PyInterpreterFrame* previous;
  const CodeUnit* prev_instr;
  int stacktop;           // localsplus[0..stacktop) are live
  Object* localsplus[1];  // nlocalsplus + stacksize slots follow
};

// The frame size in pointer-sized words, as CPython's _PyFrame_NumSlotsForCodeObject + FRAME_SPECIALS.
size_t FrameSizeInWords(const PyCodeObject* code);
// Bumps the data stack by `words` (a new 16 KiB chunk when the current one is full). nullptr with
// MemoryError when no chunk can be had.
_PyInterpreterFrame* _PyThreadState_BumpFramePointer(size_t words);
// Pops the topmost frame (frees a chunk left empty).
void _PyThreadState_PopFrame(_PyInterpreterFrame* frame);
// Bytes the data stack holds in chunks: the root chunk (16 KiB) stays for the thread's life; every
// other chunk is freed when its first frame pops.
size_t DataStackChunkBytes();

// ---- 3.6: frame objects ----
struct PyFrameObject {
  Object ob_base;
  PyFrameObject* f_back;  // strong reference (null at the top)
  Object* f_code;         // strong reference
  TypeDict* f_globals;
  Object** f_valuestack;  // after the locals
  Object** f_stacktop;
  int f_lasti;
  Py_ssize_t ob_size;  // slots in f_localsplus
  PyFrameObject* f_free_next;
  Object* f_localsplus[1];
};
extern TypeObject PyFrame_Type;

// _PyFrame_New_NoTrack: a frame for `code` (the zombie, a free-list frame, or a new one), with its locals
// cleared. nullptr with MemoryError.
PyFrameObject* _PyFrame_New_NoTrack(PyCodeObject* code, TypeDict* globals, PyFrameObject* back);
// Frees a zombie frame (the code object's dealloc).
void PyFrame_FreeZombie(PyFrameObject* f);
// Frees every parked frame of the free list (ReleaseCaches).
void PyFrame_ClearFreeList();

void InitFrameType();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_FRAME_H_
