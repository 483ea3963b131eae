// Py_BuildValue's format walk (Python/modsupport.c: countformat, do_mktuple, do_mkvalue,
// va_build_value). Our own code, unit for unit what 3.6 does for the formats the trampolines pass.
#include "dispatch/modsupport.h"

#include "core/errors.h"
#include "core/tuple.h"
#include "dispatch/trampolines.h"

namespace dispatchlab {

namespace {

Object* do_mkvalue(const char** p_format, va_list* p_va);

// countformat: the number of units before `endchar` at nesting level 0; -1 with SystemError if the
// format ends first.
Py_ssize_t countformat(const char* format, char endchar) {
  Py_ssize_t count = 0;
  int level = 0;
  while (level > 0 || *format != endchar) {
    switch (*format) {
      case '\0':
        PyErr_SetString(ExcKind::kSystemError, "unmatched paren in format");
        return -1;
      case '(':
      case '[':
      case '{':
        if (level == 0) ++count;
        ++level;
        break;
      case ')':
      case ']':
      case '}':
        --level;
        break;
      case '#':
      case '&':
      case ',':
      case ':':
      case ' ':
      case '\t':
        break;
      default:
        if (level == 0) ++count;
    }
    ++format;
  }
  return count;
}

// do_mktuple: a tuple of the next `n` units, then `endchar`.
Object* do_mktuple(const char** p_format, va_list* p_va, char endchar, Py_ssize_t n) {
  if (n < 0) return nullptr;
  Object* v = PyTuple_New(n);
  if (v == nullptr) return nullptr;
  for (Py_ssize_t i = 0; i < n; ++i) {
    Object* w = do_mkvalue(p_format, p_va);
    if (w == nullptr) {
      Py_DECREF(v);
      return nullptr;
    }
    PyTuple_SET_ITEM(v, i, w);
  }
  if (**p_format != endchar) {
    Py_DECREF(v);
    PyErr_SetString(ExcKind::kSystemError, "Unmatched paren in format");
    return nullptr;
  }
  if (endchar != '\0') ++*p_format;
  return v;
}

// do_mkvalue: one unit, consuming its C argument(s).
Object* do_mkvalue(const char** p_format, va_list* p_va) {
  for (;;) {
    const char c = *(*p_format)++;
    switch (c) {
      case '(':
        return do_mktuple(p_format, p_va, ')', countformat(*p_format, ')'));
      case 'n':
        return IndexObject(static_cast<Py_ssize_t>(va_arg(*p_va, Py_ssize_t)));
      case 'O': {
        Object* v = va_arg(*p_va, Object*);
        if (v == nullptr) {
          if (!PyErr_Occurred())
            PyErr_SetString(ExcKind::kSystemError, "NULL object passed to Py_BuildValue");
          return nullptr;
        }
        return Py_NewRef(v);
      }
      case ':':
      case ',':
      case ' ':
      case '\t':
        break;
      default:
        PyErr_Format(ExcKind::kSystemError, "bad format char '%c' passed to Py_BuildValue", c);
        return nullptr;
    }
  }
}

}  // namespace

Object* Py_VaBuildValue(const char* format, va_list va) {
  const char* f = format;
  const Py_ssize_t n = countformat(f, '\0');
  if (n < 0) return nullptr;
  if (n == 0) return Py_NewRef(Py_None);
  va_list lva;
  va_copy(lva, va);
  Object* result = n == 1 ? do_mkvalue(&f, &lva) : do_mktuple(&f, &lva, '\0', n);
  va_end(lva);
  return result;
}

Object* Py_BuildValue(const char* format, ...) {
  va_list va;
  va_start(va, format);
  Object* result = Py_VaBuildValue(format, va);
  va_end(va);
  return result;
}

}  // namespace dispatchlab
