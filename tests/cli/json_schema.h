// The JSON schemas of docs/cli.md, read from the page itself, and a checker: the tests hold every
// --format=json output of every command against the schema the docs show, so the docs list the keys the
// output really has. The schema language is docs/cli.md's "Reading the schemas":
//   an object lists its keys (a key ending in '?' may be absent; no other key may be present), or has the
//   single key "*" (any keys, each value matching); an array holds one element, the schema of every
//   element; a string is a type: "string", "number", "integer", "boolean", "null", "any", alternatives
//   joined by '|' ("number|null"), or "@NAME", the schema named NAME.
#ifndef DISPATCHLAB_TESTS_CLI_JSON_SCHEMA_H_
#define DISPATCHLAB_TESTS_CLI_JSON_SCHEMA_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "experiments/base/json.h"

namespace dispatchlab::testing {

// Every schema of `markdown`: a line that starts "<!-- schema: NAME -->", followed by a ```json block.
absl::StatusOr<std::map<std::string, Json>> SchemasFromMarkdown(const std::string& markdown);

// What in `value` departs from `schema` (empty when it matches), one line per problem, with its path
// ("$.results[0].per_element: missing key 'objects'").
std::vector<std::string> SchemaMismatches(const Json& schema, const Json& value,
                                          const std::map<std::string, Json>& named,
                                          const std::string& path = "$");

}  // namespace dispatchlab::testing

#endif  // DISPATCHLAB_TESTS_CLI_JSON_SCHEMA_H_
