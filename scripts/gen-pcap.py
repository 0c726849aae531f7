"""Writes a large synthetic capture for the capture benchmark: mostly ESP (1,400-byte
packets both ways between several peer pairs), with an IKEv2 exchange, NAT-T keepalives and
a fragmented IKE_AUTH mixed in every few thousand packets. Usage: gen-pcap.py SIZE_MB OUT"""
import os, struct, sys

size = int(sys.argv[1]) << 20
out = sys.argv[2]

def ip4(a): return bytes(int(x) for x in a.split('.'))

def frame(src, dst, proto, payload, ident=0, off=0, more=False):
    flags = (0x2000 if more else 0) | (off // 8)
    ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(payload), ident, flags, 64, proto, 0, ip4(src), ip4(dst)) + payload
    return b'\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00' + ip

def udp(sp, dp, body): return struct.pack('!HHHH', sp, dp, 8 + len(body), 0) + body

pairs = [(f'203.0.113.{i}', f'198.51.100.{i}') for i in range(1, 9)]
esp_body = os.urandom(1400)
ike_init = struct.pack('!8s8sBBBBII', b'\x11' * 8, bytes(8), 33, 0x20, 34, 0x08, 0, 28 + 8) + struct.pack('!BBH', 0, 0, 8) + bytes(4)
auth = b'\0\0\0\0' + struct.pack('!8s8sBBBBII', b'\x11' * 8, b'\x22' * 8, 46, 0x20, 35, 0x08, 1, 28 + 2404) + struct.pack('!BBH', 0, 0, 2404) + os.urandom(2400)
with open(out, 'wb') as f:
    f.write(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
    written, n, t = 24, 0, 1764410400
    while written < size:
        n += 1
        a, b = pairs[n % len(pairs)]
        if n % 5000 == 0:
            frames = [frame(a, b, 17, udp(500, 500, ike_init), n & 0xffff)]
            d = udp(4500, 4500, auth)
            frames += [frame(a, b, 17, d[:1480], n & 0xffff, 0, True), frame(a, b, 17, d[1480:], n & 0xffff, 1480, False)]
        elif n % 997 == 0:
            frames = [frame(a, b, 17, udp(4500, 4500, b'\xff'))]
        else:
            src, dst = (a, b) if n % 2 else (b, a)
            frames = [frame(src, dst, 50, struct.pack('!II', 0x1000 + (n % len(pairs)) * 2 + (n % 2), n) + esp_body)]
        for fr in frames:
            rec = struct.pack('<IIII', t + n // 10000, n % 1000000, len(fr), len(fr)) + fr
            f.write(rec)
            written += len(rec)
