// Every layer keeps a frame of its own in the optimised binary, so that perf and callgrind can charge its
// work to it (core/layer_frame.h, docs/perf.md). Two checks:
//  - the binary: this test executable (linked from the same libraries as the CLI, built with the same
//    flags) is disassembled with objdump; every layer of the table has at least one function in
//    namespace dispatchlab::layers::<layer>, no such function (nor dispatchlab::essential's) leaves
//    through a jump to another function (a tail call, which drops its frame), and in a frame-pointer
//    build each one that calls out sets up %rbp before its first call;
//  - the sources: every function defined inside a `namespace layers::<x>` or `namespace essential` block
//    of core/ and dispatch/ carries DISPATCHLAB_LAYER_FN (or is an explicitly `inline` helper, whose code
//    becomes part of the layer function that calls it), so a new layer function cannot forget it.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "core/layers.h"
#include "experiments/profiling/perf_binary.h"
#include "experiments/profiling/symbol_layers.h"

namespace {

struct Function {
  std::string name;                       // demangled, with its parameter list
  std::vector<std::string> instructions;  // "mnemonic operands"
};

// The function's name without the parameter list and without a " [clone ...]" suffix, used to tell a jump
// inside the function (or into its own .cold part) from a jump to another function.
std::string BaseName(const std::string& symbol) {
  std::string s = symbol;
  const size_t clone = s.find(" [clone");
  if (clone != std::string::npos) s = s.substr(0, clone);
  // Cut at the '(' that opens the parameter list: the first '(' after the last "::" at depth 0 of <>.
  const size_t paren = s.find('(');
  return paren == std::string::npos ? s : s.substr(0, paren);
}

bool IsProfiledNamespace(const std::string& name) {
  return name.rfind("dispatchlab::layers::", 0) == 0 || name.rfind("dispatchlab::essential::", 0) == 0;
}

bool AllHexDigits(const std::string& text, size_t begin, size_t end) {
  if (begin >= end) return false;
  for (size_t i = begin; i < end; ++i) {
    if (!std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

// objdump's "0000000000401136 <name>:" line: the function's name. Plain string tests, not std::regex: the
// test binary's disassembly is millions of lines, and each line is tested.
bool FunctionHeader(const std::string& text, std::string* name) {
  if (text.size() < 5 || text.compare(text.size() - 2, 2, ">:") != 0) return false;
  const size_t open = text.find(" <");
  if (open == std::string::npos || !AllHexDigits(text, 0, open)) return false;
  *name = text.substr(open + 2, text.size() - 2 - (open + 2));
  return true;
}

// objdump's "  401136:\tmov ..." line: the instruction, "mnemonic operands".
bool InstructionLine(const std::string& text, std::string* insn) {
  const size_t address = text.find_first_not_of(" \t");
  if (address == 0 || address == std::string::npos) return false;
  const size_t colon = text.find(':', address);
  if (colon == std::string::npos || !AllHexDigits(text, address, colon)) return false;
  const size_t start = text.find_first_not_of(" \t", colon + 1);
  if (start == colon + 1) return false;  // objdump puts white space after the colon
  *insn = start == std::string::npos ? "" : text.substr(start);
  return true;
}

// Disassembles `binary` and returns the functions in dispatchlab::layers:: and dispatchlab::essential::.
std::vector<Function> LayerFunctions(const std::string& binary, std::string* error) {
  const std::string command = "objdump -d -C --no-show-raw-insn '" + binary + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    *error = "cannot run objdump";
    return {};
  }
  std::vector<Function> out;
  bool inside = false;
  char line[8192];
  std::string name;
  std::string insn;
  while (fgets(line, sizeof(line), pipe) != nullptr) {
    std::string text(line);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (FunctionHeader(text, &name)) {
      inside = IsProfiledNamespace(name);
      if (inside) out.push_back({name, {}});
    } else if (inside && InstructionLine(text, &insn)) {
      out.back().instructions.push_back(insn);
    }
  }
  const int status = pclose(pipe);
  if (status != 0 && out.empty()) *error = "objdump failed (binutils installed?)";
  return out;
}

// The symbol a direct jump goes to ("jmp 4011d0 <foo+0x10>" -> "foo+0x10"), or "" for an indirect jump.
std::string JumpTarget(const std::string& insn) {
  const size_t open = insn.find('<');
  const size_t close = insn.rfind('>');
  if (open == std::string::npos || close == std::string::npos || close < open) return "";
  std::string target = insn.substr(open + 1, close - open - 1);
  const size_t plus = target.rfind("+0x");
  if (plus != std::string::npos) target = target.substr(0, plus);
  return target;
}

bool IsJump(const std::string& insn) {
  return insn.size() > 1 && insn[0] == 'j' && insn.find("<") != std::string::npos;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("every layer function keeps its own frame in the optimised binary", "[layer_frames]") {
  char self[4096];
  const ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
  REQUIRE(len > 0);
  std::string error;
  const std::vector<Function> functions = LayerFunctions(std::string(self, static_cast<size_t>(len)), &error);
  INFO(error);
  REQUIRE(!functions.empty());

  std::map<std::string, int> per_layer;
  for (const Function& f : functions) {
    const dispatchlab::profiling::SymbolLayer layer = dispatchlab::profiling::LayerOfSymbol(f.name);
    INFO("function " << f.name);
    CHECK(layer.unknown_name.empty());
    if (layer.layer.has_value()) ++per_layer[std::string(dispatchlab::InfoOf(*layer.layer).name)];

    const std::string base = BaseName(f.name);
    for (const std::string& insn : f.instructions) {
      if (!IsJump(insn)) continue;
      const std::string target = JumpTarget(insn);
      INFO("jump: " << insn);
      CHECK(BaseName(target) == base);  // a jump elsewhere is a tail call: the frame is gone
    }
    // In a frame-pointer build, a function that calls out pushes %rbp before its first call (the prologue
    // may be shrink-wrapped past an early return), so a sample in its callee unwinds through it. A leaf
    // needs no frame to be seen: a sample in it has its address; GCC 12 omits leaf frames even with
    // -mno-omit-leaf-frame-pointer. A .cold part continues its function's frame.
    const bool cold_part = f.name.find("[clone .cold") != std::string::npos;
    if (dispatchlab::profiling::BuiltWithFramePointers() && !cold_part) {
      bool pushed = false;
      for (const std::string& insn : f.instructions) {
        if (insn.rfind("push", 0) == 0 && insn.find("%rbp") != std::string::npos) pushed = true;
        if (insn.rfind("call", 0) == 0) {
          INFO("first call before the frame is set up: " << insn);
          CHECK(pushed);
          break;
        }
      }
    }
  }
  for (const dispatchlab::LayerInfo& info : dispatchlab::LayerTable()) {
    INFO("layer " << info.name << " has no function of its own in the binary");
    CHECK(per_layer[std::string(info.name)] >= 1);
  }
}

TEST_CASE("every function of a layers:: or essential namespace carries DISPATCHLAB_LAYER_FN",
          "[layer_frames]") {
  namespace fs = std::filesystem;
  static const std::regex open(R"(^namespace (layers::[a-z0-9_]+|essential) \{)");
  static const std::regex definition(R"(^[A-Za-z_][A-Za-z0-9_:<>,* &]*\()");
  int checked = 0;
  for (const char* folder : {"core", "dispatch"}) {
    for (const auto& entry : fs::recursive_directory_iterator(fs::path(DISPATCHLAB_SOURCE_DIR) / folder)) {
      if (entry.path().extension() != ".cc") continue;
      std::istringstream in(ReadFile(entry.path()));
      std::string line;
      int number = 0;
      bool inside = false;
      while (std::getline(in, line)) {
        ++number;
        if (std::regex_search(line, open)) {
          inside = true;
          continue;
        }
        if (line.rfind("}  // namespace", 0) == 0) {
          inside = false;
          continue;
        }
        if (!inside || line.empty() || line[0] == ' ' || line[0] == '/' || line[0] == '#') continue;
        if (line.rfind("DISPATCHLAB_LAYER_FN ", 0) == 0) {
          ++checked;
          continue;
        }
        // An explicitly inline helper becomes part of the layer function it is inlined into: allowed.
        if (line.rfind("inline ", 0) == 0 || line.rfind("constexpr ", 0) == 0) continue;
        INFO(entry.path().filename().string() << ":" << number << ": " << line);
        CHECK_FALSE((std::regex_search(line, definition) || line.rfind("[[", 0) == 0));
      }
    }
  }
  CHECK(checked >= 30);
}
