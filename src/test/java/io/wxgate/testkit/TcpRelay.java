package io.wxgate.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A TCP relay in front of the WeChat simulator, used as the first API base URL. Taken down, its port refuses
 * connections, as an unreachable api.weixin.qq.com would, so the gateway must fail over to the next base URL.
 */
public final class TcpRelay {

    private final int targetPort;
    private final int port;
    private volatile ServerSocket listener;

    public TcpRelay(int targetPort) {
        this.targetPort = targetPort;
        // It is taken down and up again by tests: a port of the ephemeral range could be lost meanwhile.
        this.port = FreePorts.take();
        up();
    }

    public int port() {
        return port;
    }

    public synchronized void up() {
        if (listener != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            listener = socket;
            Thread acceptor = new Thread(() -> accept(socket), "relay-accept-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void down() {
        if (listener == null) {
            return;
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing is all that matters
        }
        listener = null;
    }

    private void accept(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                pipe(client, target, false);
                pipe(target, client, true);
            } catch (IOException e) {
                // listener closed, or the target refused: the client sees its connection end
            }
        }
    }

    /** Copies one direction; when the answering side ends, both connections end with it. */
    private static void pipe(Socket from, Socket to, boolean closeBothAtEnd) {
        Thread t = new Thread(() -> {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException ignored) {
                // one side closed
            } finally {
                try {
                    if (closeBothAtEnd) {
                        from.close();
                        to.close();
                    } else {
                        to.shutdownOutput();
                    }
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "relay-pipe");
        t.setDaemon(true);
        t.start();
    }
}
