// CPython function name -> dispatchlab layer, read from the `mirrors` column of core/layers.def: the same
// table that documents what each layer stands for tells `dispatchlab cpython --by-function` which real
// functions belong to which layer. No second hand-kept list.
//
// The rule that turns a mirrors text into names (documented in docs/faithfulness.md):
//   - parenthesised parts are file references ("(Objects/abstract.c)") and are dropped;
//   - the text splits into items at "->", ",", ";" and "+"; in "X in Y" only X counts (Y is where X runs:
//     "PyLong_FromSsize_t in slot_sq_ass_item" names PyLong_FromSsize_t);
//   - an item's identifiers ([A-Za-z_][A-Za-z0-9_]*) count when they contain '_' or start with "Py"
//     (C function names), so "numpy", "type", "cache" are left out; a dotted Python name keeps its last
//     part ("sharedctypes._new_value" gives _new_value);
//   - a name mirrored by two layers belongs to the first, outermost, one (table order).
#ifndef DISPATCHLAB_EXPERIMENTS_CPYTHON_MIRRORS_H_
#define DISPATCHLAB_EXPERIMENTS_CPYTHON_MIRRORS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/layers.h"

namespace dispatchlab::cpython {

// The C function names one mirrors text gives, in order of appearance, without repeats.
std::vector<std::string> MirroredNames(std::string_view mirrors);

// The layer whose mirrors column names `function` (a CPython symbol as callgrind prints it), or nullopt.
std::optional<Layer> LayerOfCPythonFunction(std::string_view function);

}  // namespace dispatchlab::cpython

#endif  // DISPATCHLAB_EXPERIMENTS_CPYTHON_MIRRORS_H_
