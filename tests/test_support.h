// Helpers shared by the tests: a clean runtime per test, and short ways to make values.
#ifndef DISPATCHLAB_TESTS_TEST_SUPPORT_H_
#define DISPATCHLAB_TESTS_TEST_SUPPORT_H_

#include <catch2/catch.hpp>
#include <string>

#include "core/errors.h"
#include "core/layers.h"
#include "core/object.h"
#include "dispatch/runtime.h"

namespace dispatchlab::testing {

// Starts the runtime with the default profile's layers and checks, at the end of the test, that nothing
// is left alive and no error is pending.
class RuntimeScope {
 public:
  explicit RuntimeScope(LayerSet layers = DefaultLayers()) : layers_(layers) {
    InitRuntime();
    PyErr_Clear();
    live_before_ = LiveObjects();
  }
  ~RuntimeScope() {
    ReleaseCaches();
    CHECK(LiveObjects() == live_before_);
    CHECK_FALSE(PyErr_Occurred());
    PyErr_Clear();
  }
  static LayerSet DefaultLayers() { return ProfileFromName(kDefaultProfile)->layers; }

 private:
  ScopedLayers layers_;
  Py_ssize_t live_before_;
};

// The pending error as "TypeError: message", cleared.
inline std::string TakeError() {
  std::string text = PyErr_Occurred() ? FormatCurrentError() : std::string("no error");
  PyErr_Clear();
  return text;
}

}  // namespace dispatchlab::testing

#endif  // DISPATCHLAB_TESTS_TEST_SUPPORT_H_
