// A small streaming JSON writer for the attribution reports: objects are printed one member per line
// (indented), arrays of scalars on one line, numbers with 10 significant digits, NaN and infinities as
// null. Commas and quoting are the writer's business, never the caller's.
#ifndef DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_JSON_WRITER_H_
#define DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace dispatchlab::attribution {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The name of the next member; only inside an object.
  JsonWriter& Key(absl::string_view key);
  JsonWriter& String(absl::string_view value);
  JsonWriter& Number(double value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Uint(uint64_t value);
  JsonWriter& Bool(bool value);
  // A complete JSON value produced elsewhere (e.g. the metadata object), inserted verbatim.
  JsonWriter& Raw(absl::string_view json);

  // Convenience: Key(key) followed by the value.
  JsonWriter& Member(absl::string_view key, absl::string_view value) { return Key(key).String(value); }
  JsonWriter& Member(absl::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Member(absl::string_view key, double value) { return Key(key).Number(value); }
  JsonWriter& Member(absl::string_view key, int value) { return Key(key).Int(value); }
  JsonWriter& Member(absl::string_view key, int64_t value) { return Key(key).Int(value); }
  JsonWriter& Member(absl::string_view key, uint64_t value) { return Key(key).Uint(value); }
  JsonWriter& Member(absl::string_view key, bool value) { return Key(key).Bool(value); }

  // The document so far, with a final newline once the outermost value is closed.
  const std::string& str() const { return out_; }

 private:
  struct Frame {
    bool is_object;
    bool empty = true;
  };
  void BeforeValue();
  void Newline();

  std::string out_;
  std::vector<Frame> stack_;
  bool after_key_ = false;
};

// `text` as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view text);

}  // namespace dispatchlab::attribution

#endif  // DISPATCHLAB_EXPERIMENTS_ATTRIBUTION_JSON_WRITER_H_
