"""Gives a command a real terminal and relays it over pipes, for containers with a TTY.

runc (1.1) allocates a container's PTY itself when it runs in the foreground, and connects it
to its own stdin and stdout only when those are a terminal (raw mode, size, SIGWINCH). Node has
no PTYs, so this relay opens one, runs the command (runc run or runc exec) as the session leader
on it, and copies bytes: fd 0 to the terminal, the terminal to fd 1. Lines "resize ROWS COLS"
on fd 3 resize the terminal; runc gets SIGWINCH and resizes the container's. It exits with the
command's exit code.

usage: pty-relay.py ROWS COLS -- COMMAND...
"""
import fcntl
import os
import select
import struct
import subprocess
import sys
import termios


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    rows, cols = int(sys.argv[1]), int(sys.argv[2])
    command = sys.argv[4:]
    master, slave = os.openpty()
    set_size(slave, rows, cols)

    def become_session_leader():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    child = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, preexec_fn=become_session_leader, close_fds=True)
    os.close(slave)
    inputs = [0, master]
    try:
        os.fstat(3)
        inputs.append(3)
    except OSError:
        pass
    control = b""
    while master in inputs:
        ready, _, _ = select.select(inputs, [], [])
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if fd == master:
                if not data:
                    inputs.remove(master)
                    break
                os.write(1, data)
            elif fd == 0:
                if data:
                    os.write(master, data)
                else:
                    inputs.remove(0)
            else:
                if not data:
                    inputs.remove(3)
                    continue
                control += data
                while b"\n" in control:
                    line, control = control.split(b"\n", 1)
                    parts = line.split()
                    if len(parts) == 3 and parts[0] == b"resize":
                        set_size(master, int(parts[1]), int(parts[2]))
    sys.exit(child.wait())


main()
