// memoryview, as far as the seed's second answer needs it (CPython: Objects/memoryobject.c):
// memoryview(obj), .cast(format), slice and item assignment with CPython's checks and messages, in
// CPython's order (docs/buffer-protocol.md). One-dimensional, C-contiguous views only.
#ifndef DISPATCHLAB_CORE_MEMORYVIEW_H_
#define DISPATCHLAB_CORE_MEMORYVIEW_H_

#include "absl/strings/string_view.h"
#include "core/buffer.h"
#include "core/object.h"

namespace dispatchlab {

struct MemoryViewObject {
  Object ob_base;
  Py_buffer view;
  bool released;
};
extern TypeObject PyMemoryView_Type;

// memoryview(obj): nullptr with TypeError when obj exports no buffer.
Object* PyMemoryView_FromObject(Object* obj);
// m.cast(format): a new view of the same memory. nullptr with TypeError/ValueError as CPython:
// "memoryview: cannot cast between two non-byte formats", "memoryview: destination format must be a
// native single character format prefixed with an optional '@'", "memoryview: length is not a multiple of
// itemsize".
Object* MemoryView_Cast(Object* mv, absl::string_view format);
// m[key] = value (value nullptr: del m[key]). 0, or -1 with CPython's error.
int MemoryView_AssSubscript(Object* mv, Object* key, Object* value);
// m.release()
void MemoryView_Release(Object* mv);

void InitMemoryViewType();

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_MEMORYVIEW_H_
