#include "dispatch/runtime.h"

#include "absl/strings/str_cat.h"
#include "core/errors.h"
#include "core/frame.h"
#include "core/function.h"
#include "core/iterobject.h"
#include "core/runtime.h"
#include "core/tuple.h"
#include "dispatch/abstract.h"
#include "dispatch/ceval.h"
#include "dispatch/ctypes_array.h"
#include "dispatch/ctypes_types.h"
#include "dispatch/descr.h"
#include "dispatch/lookup.h"
#include "dispatch/slots.h"

namespace dispatchlab {

void InitRuntime() {
  static bool done = false;
  if (done) return;
  done = true;
  InitCoreTypes();
  SetFunctionVectorcalls(_PyFunction_Vectorcall, method_vectorcall);
  PySeqIter_Type.tp_iternext = iter_iternext;
  InitDescrTypes();
  InitCtypesTypes();
  InitCtypesArrayType();
  for (TypeObject* t : CoreTypes()) PyType_Ready(t);
  for (TypeObject* t :
       {&PyWrapperDescr_Type, &_PyMethodWrapper_Type, &PyCType_Type, &PyCSimpleType_Type, &PyCArrayType_Type,
        &PyCData_Type, &Simple_Type, &c_int_Type, &c_int64_Type, &c_double_Type, &PyCArray_Type}) {
    PyType_Ready(t);
  }
}

void ReleaseCaches() {
  ClearTupleFreeLists();
  PyFrame_ClearFreeList();
  PyType_ClearCache();
}

absl::Status CheckNothingAlive() {
  if (PyErr_Occurred()) {
    return absl::FailedPreconditionError(absl::StrCat("error left pending: ", FormatCurrentError()));
  }
  if (LiveObjects() != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(LiveObjects(), " objects still alive (", DescribeLiveObjects(), ")"));
  }
  return absl::OkStatus();
}

}  // namespace dispatchlab
