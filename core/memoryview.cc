#include "core/memoryview.h"

#include <cstring>
#include <limits>
#include <string>

#include "core/errors.h"
#include "core/float.h"
#include "core/long.h"
#include "core/slice.h"
#include "core/type.h"

namespace dispatchlab {

TypeObject PyMemoryView_Type;

namespace {

MemoryViewObject* AsMv(Object* o) { return reinterpret_cast<MemoryViewObject*>(o); }

void memory_dealloc(Object* o) {
  MemoryView_Release(o);
  FreeObject(o);
}

// adjust_fmt: the format with one leading '@' removed, if it is then a single character; else "".
absl::string_view AdjustFormat(const Py_buffer& view) {
  absl::string_view fmt(view.format);
  if (!fmt.empty() && fmt[0] == '@') fmt.remove_prefix(1);
  return fmt.size() == 1 ? fmt : absl::string_view();
}

bool IsByteFormat(absl::string_view f) { return f == "B" || f == "b" || f == "c"; }

Object* NewView(Object* base_exporter, const Py_buffer& from) {
  Object* o = AllocObject(&PyMemoryView_Type, sizeof(MemoryViewObject));
  if (o == nullptr) return nullptr;
  MemoryViewObject* mv = AsMv(o);
  new (&mv->view) Py_buffer(from);
  mv->view.obj = Py_NewRef(base_exporter);
  mv->released = false;
  return o;
}

// pack_single for the integer and float formats.
int PackSingle(char* ptr, Object* value, char fmt) {
  if (fmt == 'd' || fmt == 'f') {
    double d = 0;
    if (PyFloat_Check(value))
      d = PyFloat_AS_DOUBLE(value);
    else if (PyLong_Check(value))
      d = static_cast<double>(PyLong_Value(value));
    else {
      PyErr_Format(ExcKind::kTypeError, "memoryview: invalid type for format '%c'", fmt);
      return -1;
    }
    if (fmt == 'd')
      std::memcpy(ptr, &d, sizeof(d));
    else {
      float f = static_cast<float>(d);
      std::memcpy(ptr, &f, sizeof(f));
    }
    return 0;
  }
  const Py_ssize_t size = NativeFormatSize(fmt);
  if (size == 0 || fmt == '?' || fmt == 'c' || fmt == 'P') {
    PyErr_Format(ExcKind::kNotImplementedError, "memoryview: format %c not supported", fmt);
    return -1;
  }
  if (!PyLong_Check(value)) {
    PyErr_Format(ExcKind::kTypeError, "memoryview: invalid type for format '%c'", fmt);
    return -1;
  }
  const int64_t v = PyLong_Value(value);
  const bool is_unsigned = fmt == 'B' || fmt == 'H' || fmt == 'I' || fmt == 'L' || fmt == 'Q' || fmt == 'N';
  const int bits = static_cast<int>(size) * 8;
  bool ok = true;
  if (bits < 64) {
    const int64_t lo = is_unsigned ? 0 : -(int64_t{1} << (bits - 1));
    const int64_t hi = is_unsigned ? (int64_t{1} << bits) - 1 : (int64_t{1} << (bits - 1)) - 1;
    ok = v >= lo && v <= hi;
  } else if (is_unsigned) {
    ok = v >= 0;
  }
  if (!ok) {
    PyErr_Format(ExcKind::kValueError, "memoryview: invalid value for format '%c'", fmt);
    return -1;
  }
  std::memcpy(ptr, &v, static_cast<size_t>(size));  // little-endian: the low bytes
  return 0;
}

}  // namespace

Object* PyMemoryView_FromObject(Object* obj) {
  Py_buffer view;
  if (PyObject_GetBuffer(obj, &view, PyBUF_FULL_RO) < 0) return nullptr;
  Object* mv = NewView(view.obj, view);
  PyBuffer_Release(&view);
  return mv;
}

Object* MemoryView_Cast(Object* self, absl::string_view format) {
  MemoryViewObject* mv = AsMv(self);
  if (mv->released) {
    PyErr_SetString(ExcKind::kValueError, "operation forbidden on released memoryview object");
    return nullptr;
  }
  absl::string_view dest = format;
  if (!dest.empty() && dest[0] == '@') dest.remove_prefix(1);
  const Py_ssize_t itemsize = dest.size() == 1 ? NativeFormatSize(dest[0]) : 0;
  if (itemsize == 0) {
    PyErr_SetString(ExcKind::kValueError,
                    "memoryview: destination format must be a native single character format prefixed "
                    "with an optional '@'");
    return nullptr;
  }
  if (!IsByteFormat(AdjustFormat(mv->view)) && !IsByteFormat(dest)) {
    PyErr_SetString(ExcKind::kTypeError, "memoryview: cannot cast between two non-byte formats");
    return nullptr;
  }
  if (mv->view.len % itemsize != 0) {
    PyErr_SetString(ExcKind::kTypeError, "memoryview: length is not a multiple of itemsize");
    return nullptr;
  }
  Py_buffer view = mv->view;
  const size_t n = dest.size();
  std::memcpy(view.format, dest.data(), n);
  view.format[n] = '\0';
  view.itemsize = itemsize;
  view.shape[0] = view.len / itemsize;
  view.strides[0] = itemsize;
  return NewView(mv->view.obj, view);
}

int MemoryView_AssSubscript(Object* self, Object* key, Object* value) {
  MemoryViewObject* mv = AsMv(self);
  Py_buffer& view = mv->view;
  if (mv->released) {
    PyErr_SetString(ExcKind::kValueError, "operation forbidden on released memoryview object");
    return -1;
  }
  const absl::string_view fmt = AdjustFormat(view);
  if (fmt.empty()) {
    PyErr_Format(ExcKind::kNotImplementedError, "memoryview: unsupported format %s", view.format);
    return -1;
  }
  if (view.readonly) {
    PyErr_SetString(ExcKind::kTypeError, "cannot modify read-only memory");
    return -1;
  }
  if (value == nullptr) {
    PyErr_SetString(ExcKind::kTypeError, "cannot delete memory");
    return -1;
  }
  char* base = static_cast<char*>(view.buf);
  if (PyLong_Check(key)) {
    Py_ssize_t index = PyLong_Value(key);
    if (index < 0) index += view.shape[0];
    if (index < 0 || index >= view.shape[0]) {
      PyErr_SetString(ExcKind::kIndexError, "index out of bounds on dimension 1");
      return -1;
    }
    return PackSingle(base + index * view.strides[0], value, fmt[0]);
  }
  if (!PySlice_Check(key)) {
    PyErr_SetString(ExcKind::kTypeError, "memoryview: invalid slice key");
    return -1;
  }
  Py_buffer src;
  if (PyObject_GetBuffer(value, &src, PyBUF_FULL_RO) < 0) return -1;
  Py_ssize_t start, stop, step;
  if (PySlice_Unpack(key, &start, &stop, &step) < 0) {
    PyBuffer_Release(&src);
    return -1;
  }
  const Py_ssize_t slicelen = PySlice_AdjustIndices(view.shape[0], &start, &stop, step);
  absl::string_view src_fmt(src.format);
  if (!src_fmt.empty() && src_fmt[0] == '@') src_fmt.remove_prefix(1);
  // equiv_structure: same format (exact string), item size, ndim and shape.
  const bool equivalent = src_fmt == fmt && src.itemsize == view.itemsize && src.ndim == 1 &&
                          (src.shape[0] == slicelen || (slicelen == 0 && src.shape[0] == 0));
  if (!equivalent) {
    PyBuffer_Release(&src);
    PyErr_SetString(ExcKind::kValueError,
                    "memoryview assignment: lvalue and rvalue have different structures");
    return -1;
  }
  if (step == 1) {
    std::memmove(base + start * view.itemsize, src.buf, static_cast<size_t>(slicelen * view.itemsize));
  } else {
    const char* from = static_cast<const char*>(src.buf);
    for (Py_ssize_t i = 0; i < slicelen; ++i) {
      std::memmove(base + (start + i * step) * view.itemsize, from + i * src.itemsize,
                   static_cast<size_t>(view.itemsize));
    }
  }
  PyBuffer_Release(&src);
  return 0;
}

void MemoryView_Release(Object* self) {
  MemoryViewObject* mv = AsMv(self);
  if (mv->released) return;
  mv->released = true;
  PyBuffer_Release(&mv->view);
}

void InitMemoryViewType() {
  InitStaticType(&PyMemoryView_Type, "memoryview", &PyBaseObject_Type, sizeof(MemoryViewObject), 0);
  PyMemoryView_Type.tp_dealloc = memory_dealloc;
}

}  // namespace dispatchlab
