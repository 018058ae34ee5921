package wxbench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One HTTP/1.1 keep-alive connection over a blocking socket: write the request bytes, read the status line,
 * the headers and a Content-Length or chunked body. Far cheaper per request than java.net.http.HttpClient, which
 * matters when the generator shares two cores with the server. Not thread-safe: one per load thread.
 */
final class RawHttp implements Closeable {

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private boolean reused;

    private final byte[] buf = new byte[64 * 1024];
    private int start;
    private int end;

    /** The last response. */
    int status;
    byte[] body = new byte[8 * 1024];
    int bodyLength;
    /** Connections opened, including the first. */
    int connects;

    RawHttp(String host, int port, int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** Request line plus the fixed headers; the caller adds its own headers and the body. */
    static byte[] request(String method, String pathAndQuery, String hostHeader, String contentType, String extraHeaders,
            byte[] body) {
        StringBuilder head = new StringBuilder(256 + pathAndQuery.length());
        head.append(method).append(' ').append(pathAndQuery).append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (extraHeaders != null) {
            head.append(extraHeaders);
        }
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null || body.length == 0) {
            return h;
        }
        byte[] all = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /**
     * Sends one request and reads its response into {@link #status} and {@link #body}. A kept-alive connection the
     * server closed meanwhile is reopened once, transparently; any other failure closes the connection and throws.
     */
    void exchange(byte[] request) throws IOException {
        for (int attempt = 0; ; attempt++) {
            if (socket == null) {
                connect();
            }
            boolean wasReused = reused;
            try {
                out.write(request);
                out.flush();
                readResponse();
                reused = true;
                return;
            } catch (EOFException | java.net.SocketException e) {
                close();
                if (!wasReused || attempt > 0 || bytesSeen) {
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    String bodyText() {
        return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
    }

    boolean bodyEquals(byte[] expected) {
        return Arrays.equals(body, 0, bodyLength, expected, 0, expected.length);
    }

    boolean bodyStartsWith(byte[] prefix) {
        return bodyLength >= prefix.length && Arrays.equals(body, 0, prefix.length, prefix, 0, prefix.length);
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(timeoutMillis);
        s.connect(new InetSocketAddress(host, port), timeoutMillis);
        socket = s;
        out = s.getOutputStream();
        in = s.getInputStream();
        start = 0;
        end = 0;
        reused = false;
        connects++;
    }

    private boolean bytesSeen;

    private void readResponse() throws IOException {
        bytesSeen = false;
        int headerEnd;
        while ((headerEnd = indexOfHeaderEnd()) < 0) {
            if (end - start >= buf.length) {
                throw new IOException("response header larger than " + buf.length + " bytes");
            }
            fill();
        }
        // Status line: HTTP/1.1 200 OK
        int p = start;
        if (end - p < 12 || buf[p] != 'H') {
            throw new IOException("not an HTTP response");
        }
        status = (buf[p + 9] - '0') * 100 + (buf[p + 10] - '0') * 10 + (buf[p + 11] - '0');
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        int line = lineEnd(p, headerEnd) + 2;
        while (line < headerEnd) {
            int eol = lineEnd(line, headerEnd);
            int colon = indexOf((byte) ':', line, eol);
            if (colon > 0) {
                int vs = colon + 1;
                while (vs < eol && buf[vs] == ' ') {
                    vs++;
                }
                if (nameIs(line, colon, "content-length")) {
                    contentLength = Long.parseLong(new String(buf, vs, eol - vs, StandardCharsets.ISO_8859_1).trim());
                } else if (nameIs(line, colon, "transfer-encoding")) {
                    chunked = new String(buf, vs, eol - vs, StandardCharsets.ISO_8859_1).toLowerCase().contains("chunked");
                } else if (nameIs(line, colon, "connection")) {
                    close = new String(buf, vs, eol - vs, StandardCharsets.ISO_8859_1).toLowerCase().contains("close");
                }
            }
            line = eol + 2;
        }
        start = headerEnd + 4;
        bodyLength = 0;
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
            contentLength = 0;
        }
        if (chunked) {
            readChunked();
        } else if (contentLength >= 0) {
            readBody((int) contentLength);
        } else {
            // No length: the body runs to the end of the connection.
            while (true) {
                if (start == end && !fillOrEof()) {
                    break;
                }
                append(start, end - start);
                start = end;
            }
            close = true;
        }
        if (close) {
            close();
        }
    }

    private void readChunked() throws IOException {
        while (true) {
            String sizeLine = readLine();
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                // trailers, up to the empty line
                while (!readLine().isEmpty()) {
                    // skip
                }
                return;
            }
            readBody(size);
            readLine(); // CRLF after the chunk
        }
    }

    private String readLine() throws IOException {
        while (true) {
            for (int i = start; i + 1 < end; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    String s = new String(buf, start, i - start, StandardCharsets.ISO_8859_1);
                    start = i + 2;
                    return s;
                }
            }
            fill();
        }
    }

    private void readBody(int length) throws IOException {
        int remaining = length;
        while (remaining > 0) {
            if (start == end) {
                fill();
            }
            int n = Math.min(remaining, end - start);
            append(start, n);
            start += n;
            remaining -= n;
        }
    }

    private void append(int from, int n) {
        if (bodyLength + n > body.length) {
            body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + n));
        }
        System.arraycopy(buf, from, body, bodyLength, n);
        bodyLength += n;
    }

    private void fill() throws IOException {
        if (!fillOrEof()) {
            throw new EOFException("connection closed by the server");
        }
    }

    private boolean fillOrEof() throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (end == buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            return false;
        }
        bytesSeen = true;
        end += n;
        return true;
    }

    private int indexOfHeaderEnd() {
        for (int i = start; i + 3 < end; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The CR of the line starting at from; the header block ends with CRLF CRLF at headerEnd, so one is found. */
    private int lineEnd(int from, int headerEnd) {
        for (int i = from; i < headerEnd; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n') {
                return i;
            }
        }
        return headerEnd;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private boolean nameIs(int from, int colon, String lowerName) {
        if (colon - from != lowerName.length()) {
            return false;
        }
        for (int i = 0; i < lowerName.length(); i++) {
            int c = buf[from + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        socket = null;
        out = null;
        in = null;
        reused = false;
        start = 0;
        end = 0;
    }
}
