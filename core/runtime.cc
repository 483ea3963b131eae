#include "core/runtime.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "core/code.h"
#include "core/float.h"
#include "core/frame.h"
#include "core/function.h"
#include "core/iterobject.h"
#include "core/list.h"
#include "core/long.h"
#include "core/memoryview.h"
#include "core/ndarray.h"
#include "core/obmalloc.h"
#include "core/slice.h"
#include "core/str.h"
#include "core/tuple.h"
#include "core/type.h"

namespace dispatchlab {

namespace {
std::vector<TypeObject*>* g_types = nullptr;

void none_dealloc(Object*) {}
}  // namespace

void InitCoreTypes() {
  if (g_types != nullptr) return;
  PymallocInitResidentHeap();
  InitStaticType(&PyType_Type, "type", &PyBaseObject_Type, sizeof(TypeObject), Py_TPFLAGS_TYPE_SUBCLASS);
  InitStaticType(&PyBaseObject_Type, "object", nullptr, sizeof(Object), 0);
  InitStaticType(&PyNone_Type, "NoneType", &PyBaseObject_Type, sizeof(Object), 0);
  PyNone_Type.tp_dealloc = none_dealloc;
  InitStaticObject(Py_None, &PyNone_Type);
  InitStaticType(&PyUnicode_Type, "str", &PyBaseObject_Type, sizeof(StrObject), 0);
  InitLongType();
  InitFloatType();
  InitTupleType();
  InitListType();
  InitSeqIterType();
  InitSliceType();
  InitMemoryViewType();
  InitNdArrayTypes();
  InitCodeType();
  InitFunctionTypes();
  InitFrameType();
  g_types = new std::vector<TypeObject*>{
      &PyBaseObject_Type,    &PyType_Type,           &PyNone_Type,
      &PyUnicode_Type,       &PyLong_Type,           &PyFloat_Type,
      &PyTuple_Type,         &PyList_Type,           &PySlice_Type,
      &PyMemoryView_Type,    &PyArray_Type,          &PyGenericArrType_Type,
      &PyNumberArrType_Type, &PyIntegerArrType_Type, &PySignedIntegerArrType_Type,
      &PyInt64ArrType_Type,  &PyCode_Type,           &PyFunction_Type,
      &PyMethod_Type,        &PyFrame_Type,          &PySeqIter_Type};
  for (TypeObject* t : *g_types) ReadyBase(t);
}

const std::vector<TypeObject*>& CoreTypes() {
  InitCoreTypes();
  return *g_types;
}

std::string DescribeLiveObjects() {
  std::vector<std::string> parts;
  for (TypeObject* t : AllTypes()) {
    if (t->live_instances != 0) parts.push_back(absl::StrCat(t->tp_name, ": ", t->live_instances));
  }
  if (parts.empty() && LiveObjects() != 0) parts.push_back(absl::StrCat("objects: ", LiveObjects()));
  return absl::StrJoin(parts, ", ");
}

}  // namespace dispatchlab
