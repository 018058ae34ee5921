package io.wxgate.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A subscriber on the machine's NATS server (127.0.0.1:4222) speaking NATS's text protocol over a plain socket
 * (INFO, CONNECT, SUB, PING/PONG, MSG and HMSG), so that no NATS client library is on the test classpath: the
 * gateway under test must get its NATS component from its extension folder, not from this JVM's classpath.
 */
public final class NatsSubscriber implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final BlockingQueue<String> payloads = new LinkedBlockingQueue<>();
    private final Thread reader;

    private NatsSubscriber(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.reader = new Thread(this::read, "nats-subscriber");
    }

    /** Subscribed once this returns: the server has answered the PING sent after the SUB. */
    public static NatsSubscriber subscribe(String subject) {
        try {
            NatsSubscriber s = new NatsSubscriber(new Socket("127.0.0.1", 4222));
            s.socket.setSoTimeout(10_000);
            String info = s.line();
            if (!info.startsWith("INFO ")) {
                throw new IllegalStateException("not a NATS server: " + info);
            }
            s.send("CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":true,\"name\":\"wxgate-test\"}\r\n"
                    + "SUB " + subject + " 1\r\nPING\r\n");
            String answer;
            while (!(answer = s.line()).equals("PONG")) {
                if (answer.startsWith("-ERR")) {
                    throw new IllegalStateException("NATS refused the subscription: " + answer);
                }
            }
            s.socket.setSoTimeout(0);
            s.reader.setDaemon(true);
            s.reader.start();
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("NATS at 127.0.0.1:4222", e);
        }
    }

    /** The next message's payload as UTF-8, or null if none came in time. */
    public String next(Duration wait) throws InterruptedException {
        return payloads.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void read() {
        try {
            while (true) {
                String line = line();
                if (line.equals("PING")) {
                    send("PONG\r\n");
                } else if (line.startsWith("MSG ") || line.startsWith("HMSG ")) {
                    // MSG <subject> <sid> [reply-to] <bytes>; HMSG <subject> <sid> [reply-to] <header bytes> <bytes>
                    String[] parts = line.split(" ");
                    int total = Integer.parseInt(parts[parts.length - 1]);
                    int headers = line.startsWith("HMSG ") ? Integer.parseInt(parts[parts.length - 2]) : 0;
                    byte[] message = new byte[total + 2];
                    in.readFully(message);
                    payloads.add(new String(message, headers, total - headers, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException closed) {
            // close() ends the reader
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("NATS closed the connection");
            }
            if (b != '\r') {
                buffer.write(b);
            }
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private synchronized void send(String protocol) throws IOException {
        out.write(protocol.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
