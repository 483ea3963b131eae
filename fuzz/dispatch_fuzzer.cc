// libFuzzer entry point: every input is a program for the op interpreter (fuzz/ops.h); a broken invariant
// aborts with the interpreter's explanation, which libFuzzer records as a crash (then kept in
// fuzz/regressions/ and replayed by tests/fuzz/, docs/hardening.md).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/ops.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  const char* echo = std::getenv("DISPATCHLAB_FUZZ_TRACE");
  dispatchlab::fuzz::SetTraceEcho(echo != nullptr && echo[0] == '1');
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string trace;
  absl::Status status = dispatchlab::fuzz::RunOps(data, size, nullptr);
  if (!status.ok()) {
    dispatchlab::fuzz::RunOps(data, size, &trace).IgnoreError();  // again, to print what it did
    std::fprintf(stderr, "dispatchlab fuzz: invariant broken: %s\nprogram:\n%s", status.ToString().c_str(),
                 trace.c_str());
    std::abort();
  }
  return 0;
}
