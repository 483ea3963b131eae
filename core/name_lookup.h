// LookupByName: the one way a name given on the command line finds its row in a table (layers, profiles,
// scenarios, mp workloads, alloc experiments, attribution metrics and methods). Every table is a sequence
// of rows with a `name` column; an unknown name gets one message shape that lists the valid names in table
// order: "unknown <what> '<name>' (<list_label>: a, b, c)".
#ifndef DISPATCHLAB_CORE_NAME_LOOKUP_H_
#define DISPATCHLAB_CORE_NAME_LOOKUP_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace dispatchlab {

// The names of `table`'s rows, joined by ", " (with `also` appended when not empty: a keyword such as
// "all" that the caller accepts beside the rows).
template <typename Table>
std::string JoinNames(const Table& table, absl::string_view also = "") {
  std::string names;
  for (const auto& row : table)
    absl::StrAppend(&names, names.empty() ? "" : ", ", absl::string_view(row.name));
  if (!also.empty()) absl::StrAppend(&names, names.empty() ? "" : ", ", also);
  return names;
}

// The row of `table` whose name is `name`; InvalidArgument "unknown <what> '<name>' (<list_label>: ...)"
// otherwise. The pointer is into `table`, which must outlive it (the tables are static).
template <typename Table>
auto LookupByName(const Table& table, absl::string_view name, absl::string_view what,
                  absl::string_view list_label, absl::string_view also = "")
    -> absl::StatusOr<const typename Table::value_type*> {
  for (const auto& row : table) {
    if (absl::string_view(row.name) == name) return &row;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown ", what, " '", name, "' (", list_label, ": ", JoinNames(table, also), ")"));
}

}  // namespace dispatchlab

#endif  // DISPATCHLAB_CORE_NAME_LOOKUP_H_
