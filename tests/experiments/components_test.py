#!/usr/bin/env python3
"""The dependency rule of the source tree, checked on every include: core/ includes only core/; dispatch/
includes core/ and dispatch/; an experiments/ component includes only itself and what its row of
experiments/components.cmake links (transitively, as CMake's PUBLIC links do). Usage: components_test.py SRC"""
import os, re, sys

src = sys.argv[1]
rows = re.findall(r'^\s*"(\w+):([\w ]*)"', open(os.path.join(src, 'experiments/components.cmake')).read(), re.M)
if not rows:
    sys.exit('components_test: no component rows in experiments/components.cmake')
direct = {name: deps.split() for name, deps in rows}
def closure(name, seen=None):
    seen = set() if seen is None else seen
    for dep in direct[name]:
        if dep not in seen:
            seen.add(dep)
            closure(dep, seen)
    return seen
allowed = {f'experiments/{name}': {f'experiments/{d}' for d in closure(name) | {name}} | {'core', 'dispatch'}
           for name in direct}
allowed['core'] = {'core'}
allowed['dispatch'] = {'core', 'dispatch'}

errors, checked = [], 0
for top in ['core', 'dispatch', 'experiments']:
    for d, _, files in os.walk(os.path.join(src, top)):
        rel_dir = os.path.relpath(d, src)
        if rel_dir == 'experiments':
            loose = [f for f in files if f.endswith(('.cc', '.h'))]
            errors += [f'experiments/{f}: a source outside every component folder' for f in loose]
            continue
        owner = rel_dir if top != 'experiments' else '/'.join(rel_dir.split('/')[:2])
        if owner not in allowed:
            errors.append(f'{rel_dir}: a folder with no row in experiments/components.cmake')
            continue
        for f in files:
            if not f.endswith(('.cc', '.h')):
                continue
            for n, line in enumerate(open(os.path.join(d, f), encoding='utf-8'), 1):
                m = re.match(r'\s*#include "((core|dispatch)|experiments/(\w+))/', line)
                if not m:
                    continue
                checked += 1
                target = m.group(2) or f'experiments/{m.group(3)}'
                if target not in allowed[owner]:
                    errors.append(f'{rel_dir}/{f}:{n}: {owner} includes {target}, which it does not link')
for e in errors:
    print('components_test:', e)
print(f'components_test: {checked} includes checked, {len(errors)} against the rule')
sys.exit(1 if errors or checked == 0 else 0)
