import socket, os, time, sys, threading
S=[]
def keep(s): S.append(s); return s
# TCP listeners
l=keep(socket.socket()); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR,1); l.bind(('0.0.0.0',80)); l.listen(5)
l6=keep(socket.socket(socket.AF_INET6)); l6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY,1); l6.bind(('::',8080)); l6.listen(5)
ld=keep(socket.socket(socket.AF_INET6)); ld.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY,0); ld.bind(('::',443)); ld.listen(5)
lb=keep(socket.socket()); lb.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b'lo'); lb.bind(('0.0.0.0',5000)); lb.listen(5)
# established pair with queued data
srv=keep(socket.socket()); srv.bind(('127.0.0.1',7000)); srv.listen(5)
c=keep(socket.socket()); c.connect(('127.0.0.1',7000)); a,_=srv.accept(); keep(a)
c.send(b'x'*1000)
# v6 established
s6=keep(socket.socket(socket.AF_INET6)); s6.bind(('::1',7001)); s6.listen(5)
c6=keep(socket.socket(socket.AF_INET6)); c6.connect(('::1',7001)); a6,_=s6.accept(); keep(a6)
a6.send(b'y'*77)
# link-local with scope
try:
  ll=keep(socket.socket(socket.AF_INET6)); ll.bind(('fe80::1',9000,0,socket.if_nametoindex('va'))); ll.listen(5)
  llc=keep(socket.socket(socket.AF_INET6)); llc.connect(('fe80::1',9000,0,socket.if_nametoindex('va')))
  lla,_=ll.accept(); keep(lla)
except Exception as e: print("ll",e, file=sys.stderr)
# long v6 address
try:
  lv=keep(socket.socket(socket.AF_INET6)); lv.bind(('2001:db8:1234:5678:9abc:def0:1234:5678',12345)); lv.listen(5)
except Exception as e: print("lv",e, file=sys.stderr)
# UDP
u=keep(socket.socket(socket.AF_INET, socket.SOCK_DGRAM)); u.bind(('0.0.0.0',53))
uc=keep(socket.socket(socket.AF_INET, socket.SOCK_DGRAM)); uc.bind(('127.0.0.1',5353)); uc.connect(('127.0.0.1',53))
uc.send(b'hello')
u6=keep(socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)); u6.bind(('::',123))
# unix
for p in ['/tmp/ssx/stream.sock','/tmp/ssx/dgram.sock']:
  try: os.unlink(p)
  except: pass
us=keep(socket.socket(socket.AF_UNIX)); us.bind('/tmp/ssx/stream.sock'); us.listen(5)
uconn=keep(socket.socket(socket.AF_UNIX)); uconn.connect('/tmp/ssx/stream.sock'); ua,_=us.accept(); keep(ua)
uconn.send(b'z'*10)
uab=keep(socket.socket(socket.AF_UNIX)); uab.bind('\0abstractname'); uab.listen(1)
ud=keep(socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)); ud.bind('/tmp/ssx/dgram.sock')
p1,p2=socket.socketpair(); keep(p1); keep(p2)
sq1,sq2=socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET); keep(sq1); keep(sq2)
# raw
r=keep(socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
r6=keep(socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6))
# packet
pk=keep(socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))); pk.bind(('lo',0))
pd=keep(socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(0x0800)))
pk2=keep(socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd)))
# netlink
n=keep(socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)); n.bind((0,0))
n2=keep(socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)); n2.bind((0,1))
def t(): time.sleep(100000)
threading.Thread(target=t, daemon=True).start()
print("ready", flush=True)
time.sleep(int(sys.argv[1]) if len(sys.argv)>1 else 3600)
