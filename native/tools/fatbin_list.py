#!/usr/bin/env python3
# List the GPU images in a shared library's .nv_fatbin section: a stand-in for
# `cuobjdump --list-elf --list-ptx` where the CUDA toolkit ships without cuobjdump.
# Usage: python3 native/tools/fatbin_list.py target/native/libxfer_kernels.so
import struct, sys
path = sys.argv[1]
data = open(path, 'rb').read()
# section table
e_shoff, = struct.unpack_from('<Q', data, 0x28)
e_shentsize, e_shnum, e_shstrndx = struct.unpack_from('<HHH', data, 0x3A)
def sh(i):
    return struct.unpack_from('<IIQQQQIIQQ', data, e_shoff + i * e_shentsize)
strtab = sh(e_shstrndx)
def name(off):
    s = strtab[4] + off
    return data[s:data.index(b'\0', s)].decode()
sec = None
for i in range(e_shnum):
    h = sh(i)
    if name(h[0]) == '.nv_fatbin':
        sec = data[h[4]:h[4] + h[5]]
if sec is None:
    sys.exit('%s: no .nv_fatbin section (built without CUDA kernels)' % path)
pos = 0
counts = {}
while pos + 16 <= len(sec):
    magic, ver, hsize, fsize = struct.unpack_from('<IHHQ', sec, pos)
    if magic != 0xBA55ED50:
        pos += 8
        continue
    e = pos + hsize
    end = e + fsize
    while e < end:
        kind, ever, ehsize, payload = struct.unpack_from('<HHIQ', sec, e)
        sm, = struct.unpack_from('<I', sec, e + 28)
        flags, = struct.unpack_from('<Q', sec, e + 40) if ehsize >= 48 else (0,)
        label = ('ELF sm_%d' if kind == 2 else 'PTX compute_%d' if kind == 1 else 'kind%d_%%d' % kind) % sm
        counts[label] = counts.get(label, 0) + 1
        e += ehsize + payload
    pos = end
for k, v in sorted(counts.items()):
    print('%-16s x %d' % (k, v))
