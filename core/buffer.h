// The buffer protocol (CPython: Include/cpython/object.h Py_buffer, Objects/abstract.c
// PyObject_GetBuffer): an exporter fills a Py_buffer describing raw memory (format, item size, shape).
// One-dimensional buffers are all dispatchlab needs.
#ifndef DISPATCHLAB_CORE_BUFFER_H_
#define DISPATCHLAB_CORE_BUFFER_H_

#include "absl/strings/string_view.h"
#include "core/object.h"

namespace dispatchlab {

inline constexpr int PyBUF_SIMPLE = 0;
inline constexpr int PyBUF_WRITABLE = 0x0001;
inline constexpr int PyBUF_FORMAT = 0x0004;
inline constexpr int PyBUF_FULL_RO = 0x011c;

struct Py_buffer {
  void* buf = nullptr;
  Object* obj = nullptr;  // owned reference to the exporter
  Py_ssize_t len = 0;     // bytes
  Py_ssize_t itemsize = 1;
  bool readonly = false;
  int ndim = 1;
  char format[8] = "B";  // struct-module format, e.g. "<i" for a ctypes c_int array
  Py_ssize_t shape[1] = {0};
  Py_ssize_t strides[1] = {1};
};

inline bool PyObject_CheckBuffer(const Object* o) {
  const TypeObject* t = Py_TYPE(o);
  return t->tp_as_buffer != nullptr && t->tp_as_buffer->bf_getbuffer != nullptr;
}
// Fills `view` from `obj`'s exporter. -1 with TypeError "a bytes-like object is required, not '<type>'".
int PyObject_GetBuffer(Object* obj, Py_buffer* view, int flags);
// Releases the exporter (DECREFs view->obj).
void PyBuffer_Release(Py_buffer* view);
// Fills a contiguous one-dimensional view of `len` bytes at `buf` (PyBuffer_FillInfo with a format).
void FillBufferInfo(Py_buffer* view, Object* exporter, void* buf, Py_ssize_t len, bool readonly,
                    absl::string_view format, Py_ssize_t itemsize);
// The item size of a native single-character struct format ('B', 'i', 'l', 'q', 'd', ...), or 0.
Py_ssize_t NativeFormatSize(char format);

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_BUFFER_H_
