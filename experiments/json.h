// A small JSON writer for the CLI's outputs (no JSON library is among our Debian dependencies).
// Builds a compact document with correct string escaping and non-finite numbers written as null.
#ifndef DISPATCHLAB_EXPERIMENTS_JSON_H_
#define DISPATCHLAB_EXPERIMENTS_JSON_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace dispatchlab {

// Usage: JsonWriter w; w.BeginObject(); w.Key("n"); w.Int(5); w.EndObject(); w.str();
class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(absl::string_view key);
  JsonWriter& String(absl::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Inserts an already serialised JSON value (e.g. a metadata object).
  JsonWriter& Raw(absl::string_view json);
  const std::string& str() const { return out_; }

 private:
  void BeforeValue();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

std::string JsonEscape(absl::string_view s);  // with the quotes

}  // namespace dispatchlab

#endif  // DISPATCHLAB_EXPERIMENTS_JSON_H_
