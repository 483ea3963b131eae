// Probing and finding real interpreters (see interpreter.h).
#include "experiments/cpython/interpreter.h"

#include <glob.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "core/layers.h"
#include "experiments/base/json.h"
#include "experiments/base/scratch_dir.h"
#include "experiments/base/subprocess.h"
#include "experiments/cpython/cases_script.h"

namespace dispatchlab::cpython {
namespace {

using profiling::ProcessResult;
using profiling::ProcessSpec;

std::string RealPath(const std::string& path) {
  char buffer[PATH_MAX];
  return realpath(path.c_str(), buffer) != nullptr ? std::string(buffer) : path;
}

std::vector<std::string> Glob(const std::string& pattern) {
  std::vector<std::string> out;
  glob_t g;
  if (glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) out.emplace_back(g.gl_pathv[i]);
  }
  globfree(&g);
  return out;
}

std::string StringOr(const Json& j, const char* key, const std::string& fallback = "") {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace

std::string Interpreter::Label() const { return absl::StrCat(version, " (", path, ")"); }

std::string Interpreter::ShortLabel() const {
  return absl::StrCat(version, path.find("/.pyenv/versions/") != std::string::npos
                                   ? " (pyenv)"
                                   : absl::StrCat(" (", path, ")"));
}

const CaseInfo* Interpreter::Case(const std::string& name) const {
  for (const CaseInfo& c : cases) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

absl::StatusOr<std::string> RunCasesScript(const std::string& python, const std::vector<std::string>& args,
                                           const Env& env, const std::vector<std::string>& wrapper,
                                           double timeout_seconds) {
  absl::StatusOr<std::unique_ptr<profiling::ScratchDir>> dir = profiling::ScratchDir::Create("cpython");
  if (!dir.ok()) return dir.status();
  ProcessSpec spec;
  spec.argv = wrapper;
  spec.argv.push_back(python);
  spec.argv.push_back("-c");
  spec.argv.push_back(kCasesScript);
  for (const std::string& a : args) spec.argv.push_back(a);
  spec.extra_env = env;
  spec.stdout_path = (*dir)->File("stdout");
  spec.stderr_path = (*dir)->File("stderr");
  spec.timeout_seconds = timeout_seconds;
  absl::StatusOr<ProcessResult> result = profiling::RunProcess(spec);
  if (result.status().code() == absl::StatusCode::kDeadlineExceeded) {
    return absl::DeadlineExceededError(absl::StrCat(python, " gave ", result.status().message()));
  }
  if (!result.ok()) return result.status();
  if (!result->ok()) {
    std::string why = profiling::LastLine(profiling::ReadTextFile(spec.stderr_path));
    if (why.rfind("cases.py: ", 0) == 0) why = why.substr(10);
    return absl::InternalError(
        absl::StrCat(python, " failed (", result->Describe(), ")", why.empty() ? "" : ": ", why));
  }
  return profiling::ReadTextFile(spec.stdout_path);
}

absl::StatusOr<Interpreter> ProbeInterpreter(const std::string& path, const Env& env) {
  if (access(path.c_str(), X_OK) != 0) {
    if (path == kDebianPython) {
      return absl::NotFoundError(
          absl::StrCat("python3 is not installed (", path, " is missing); Debian: ", kAptPython));
    }
    return absl::NotFoundError(absl::StrCat("--python: ", path, " is not an executable file"));
  }
  absl::StatusOr<std::string> text = RunCasesScript(path, {"info"}, env, {}, kProbeTimeoutSeconds);
  absl::StatusOr<Json> parsed = text.ok() ? ParseJson(*text) : absl::StatusOr<Json>(Json());
  const Json info = parsed.ok() ? *parsed : Json();
  if (!text.ok() || !info.is_object() || !info.contains("version_info")) {
    return absl::FailedPreconditionError(
        absl::StrCat("--python: ", path, " is not a Python interpreter (it did not describe itself",
                     text.ok() ? "" : absl::StrCat(": ", text.status().message()), ")"));
  }
  Interpreter interp;
  interp.path = path;
  interp.implementation = StringOr(info, "implementation");
  interp.version = StringOr(info, "version");
  const Json& vi = info["version_info"];
  if (vi.is_array() && vi.size() >= 2 && vi[0].is_number_integer() && vi[1].is_number_integer()) {
    interp.major = vi[0].get<int>();
    interp.minor = vi[1].get<int>();
  }
  if (interp.major != 3 || interp.minor < 6) {
    return absl::FailedPreconditionError(absl::StrCat("--python: ", path, " is Python ", interp.version,
                                                      "; the cases need Python 3.6 or later"));
  }
  if (info.contains("numpy") && info["numpy"].is_string()) interp.numpy = info["numpy"].get<std::string>();
  interp.numpy_error = StringOr(info, "numpy_error");
  interp.machine = StringOr(info, "machine");
  interp.real_executable = RealPath(StringOr(info, "executable", path));
  if (!info.contains("ctypes") || !info["ctypes"].is_string()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "--python: ", path, " has no working ctypes (", StringOr(info, "ctypes_error", "unknown error"),
        "); Debian's python3 has it (", kAptPython, "), a source build needs libffi-dev"));
  }
  interp.ctypes_file = info["ctypes"].get<std::string>();

  absl::StatusOr<std::string> list_text = RunCasesScript(path, {"list"}, env, {}, kProbeTimeoutSeconds);
  if (!list_text.ok()) return list_text.status();
  absl::StatusOr<Json> list_parsed = ParseJson(*list_text);
  const Json list = list_parsed.ok() ? *list_parsed : Json();
  if (!list.is_object() || !list.contains("cases") || !list["cases"].is_array()) {
    return absl::InternalError(absl::StrCat(path, ": cases.py list printed no case table"));
  }
  for (const Json& c : list["cases"]) {
    if (!c.is_object()) continue;
    interp.cases.push_back({StringOr(c, "case"), c.value("needs_numpy", false), StringOr(c, "statement"),
                            c.value("default", false)});
  }
  return interp;
}

std::vector<std::string> DiscoverInterpreters() {
  std::vector<std::string> candidates = {kDebianPython};
  if (const char* home = std::getenv("HOME"); home != nullptr) {
    const std::string root = absl::StrCat(home, "/.pyenv/versions/");
    for (const std::string& dir : Glob(root + "*")) {
      const std::string py3 = dir + "/bin/python3";
      candidates.push_back(access(py3.c_str(), X_OK) == 0 ? py3 : dir + "/bin/python");
    }
  }
  std::vector<std::string> names = {"python3"};
  for (int minor = 6; minor <= 14; ++minor) names.push_back(absl::StrCat("python3.", minor));
  for (const std::string& name : names) {
    std::optional<std::string> found = profiling::FindInPath(name);
    // pyenv's shims are launchers for the interpreters of ~/.pyenv/versions, already in the list (and one
    // for a version pyenv has not selected only prints "command not found").
    if (found.has_value() && found->find("/shims/") == std::string::npos) candidates.push_back(*found);
  }
  std::vector<std::string> out, seen;
  for (const std::string& c : candidates) {
    if (access(c.c_str(), X_OK) != 0) continue;
    const std::string real = RealPath(c);
    bool dup = false;
    for (const std::string& s : seen) dup = dup || s == real;
    if (dup) continue;
    seen.push_back(real);
    out.push_back(c);
  }
  return out;
}

absl::StatusOr<std::string> MatchingProfile(const Interpreter& interpreter) {
  const std::string name = absl::StrCat("cpython", interpreter.major, interpreter.minor);
  if (ProfileFromName(name).ok()) return name;
  return absl::NotFoundError(absl::StrCat("dispatchlab has no profile for ", interpreter.major, ".",
                                          interpreter.minor, " (no ", name, ")"));
}

}  // namespace dispatchlab::cpython
