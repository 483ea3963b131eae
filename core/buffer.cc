#include "core/buffer.h"

#include <algorithm>
#include <cstring>

#include "core/errors.h"

namespace dispatchlab {

int PyObject_GetBuffer(Object* obj, Py_buffer* view, int flags) {
  if (!PyObject_CheckBuffer(obj)) {
    PyErr_Format(ExcKind::kTypeError, "a bytes-like object is required, not '%s'", Py_TYPE(obj)->tp_name);
    return -1;
  }
  return Py_TYPE(obj)->tp_as_buffer->bf_getbuffer(obj, view, flags);
}

void PyBuffer_Release(Py_buffer* view) {
  Object* obj = view->obj;
  if (obj == nullptr) return;
  PyBufferProcs* procs = Py_TYPE(obj)->tp_as_buffer;
  if (procs != nullptr && procs->bf_releasebuffer != nullptr) procs->bf_releasebuffer(obj, view);
  view->obj = nullptr;
  Py_DECREF(obj);
}

void FillBufferInfo(Py_buffer* view, Object* exporter, void* buf, Py_ssize_t len, bool readonly,
                    absl::string_view format, Py_ssize_t itemsize) {
  view->buf = buf;
  view->obj = Py_NewRef(exporter);
  view->len = len;
  view->itemsize = itemsize;
  view->readonly = readonly;
  view->ndim = 1;
  const size_t n = std::min(format.size(), sizeof(view->format) - 1);
  std::memcpy(view->format, format.data(), n);
  view->format[n] = '\0';
  view->shape[0] = itemsize > 0 ? len / itemsize : 0;
  view->strides[0] = itemsize;
}

Py_ssize_t NativeFormatSize(char format) {
  switch (format) {
    case 'B':
    case 'b':
    case 'c':
    case '?':
      return 1;
    case 'h':
    case 'H':
      return 2;
    case 'i':
    case 'I':
    case 'f':
      return 4;
    case 'l':
    case 'L':
    case 'q':
    case 'Q':
    case 'n':
    case 'N':
    case 'd':
    case 'P':
      return 8;
    default:
      return 0;
  }
}

}  // namespace dispatchlab
