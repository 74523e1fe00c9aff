#!/usr/bin/env python3
"""Turns HotSpot -XX:+PrintAssembly output whose code is printed as hex ([MachCode] without a working hsdis) into
x86-64 disassembly with objdump, and summarises each C2-compiled method: the instruction mix of its innermost vector
loops (a backward branch whose body holds zmm/ymm instructions). Usage: decode_asm.py PRINTASSEMBLY.txt [--full] [--osr]"""
import re
import subprocess
import sys
import tempfile
from collections import Counter


def sections(lines):
    cur = None
    for line in lines:
        m = re.match(r'Compiled method \((c1|c2)\)\s+\d+\s+\d+\s+(%?)\s*\d+\s+(\S+)', line)
        if m:
            if cur:
                yield cur
            cur = {'tier': m.group(1), 'osr': m.group(2) == '%', 'name': m.group(3), 'code': {}}
            continue
        if cur is None:
            continue
        m = re.match(r'\s+0x([0-9a-f]+): ((?:[0-9a-f]{2,8}\s*\|?\s*)+)$', line)
        if m:
            cur['code'][int(m.group(1), 16)] = bytes.fromhex(re.sub(r'[\s|]', '', m.group(2)))
    if cur:
        yield cur


def disassemble(code):
    start = min(code)
    end = max(a + len(b) for a, b in code.items())
    buf = bytearray(end - start)
    for a, b in code.items():
        buf[a - start:a - start + len(b)] = b
    with tempfile.NamedTemporaryFile(suffix='.bin') as f:
        f.write(buf)
        f.flush()
        out = subprocess.run(['objdump', '-D', '-b', 'binary', '-mi386:x86-64', '-M', 'intel',
                              '--adjust-vma=' + hex(start), f.name], capture_output=True, text=True, check=True).stdout
    ins = []
    for line in out.splitlines():
        m = re.match(r'\s+([0-9a-f]+):\t[0-9a-f ]+\t(\S+)\s*(.*)', line)
        if m:
            ins.append((int(m.group(1), 16), m.group(2), m.group(3)))
    return ins


def loops(ins):
    """Innermost vector loops: (target, branch) spans of backward jumps with vector registers inside, no nested loop."""
    spans = []
    for i, (addr, op, args) in enumerate(ins):
        if op.startswith('j') and op != 'jmp' or op == 'jmp':
            m = re.match(r'0x([0-9a-f]+)', args)
            if m and int(m.group(1), 16) < addr:
                spans.append((int(m.group(1), 16), addr))
    inner = [s for s in spans if not any(o != s and s[0] <= o[0] and o[1] <= s[1] for o in spans)]
    out = []
    for lo, hi in inner:
        body = [x for x in ins if lo <= x[0] <= hi]
        if len(body) <= 400 and any('zmm' in a or 'ymm' in a for _, _, a in body):
            out.append((lo, hi, body))
    return out


def main():
    text = open(sys.argv[1], errors='replace').read().splitlines()
    full = '--full' in sys.argv
    for s in sections(text):
        if s['tier'] != 'c2' or not s['code'] or (s['osr'] and '--osr' not in sys.argv):
            continue  # OSR compilations embed the interpreter frame migration; the normal compilation is the steady state
        ins = disassemble(s['code'])
        print(f"== {s['name']}{' (OSR)' if s['osr'] else ''}: {len(ins)} instructions")
        for lo, hi, body in loops(ins):
            mix = Counter(op for _, op, _ in body)
            print(f"   loop {hex(lo)}..{hex(hi)}: {len(body)} instructions: "
                  + ', '.join(f'{op} {n}' for op, n in mix.most_common()))
            if full:
                for addr, op, args in body:
                    print(f'      {op:14s} {args}')


if __name__ == '__main__':
    main()
