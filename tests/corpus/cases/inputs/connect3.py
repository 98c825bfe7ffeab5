# Connects once per family (AF_INET, AF_INET6, AF_UNIX), for sys_enter_connect cases.
import socket, time, sys
time.sleep(0.5)
for fam, addr in ((socket.AF_INET, ("127.0.0.1", 9)), (socket.AF_INET6, ("::1", 9)), (socket.AF_UNIX, "/tmp/nonexistent-sock")):
    s = socket.socket(fam, socket.SOCK_STREAM)
    try: s.connect(addr)
    except Exception: pass
