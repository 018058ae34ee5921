package io.wxgate.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ports for the servers the tests start, taken below the kernel's ephemeral range. A port the kernel hands out
 * ({@code new ServerSocket(0)}) lies in that range, and between a test choosing it and its server binding it, any
 * outgoing connection may take it as its source port: the shared gateway once failed to start so ("Failed to bind to
 * /127.0.0.1:33057 … Address already in use", every test of the run failing with it). Below the range only servers
 * compete; each port is handed out once per JVM and checked free on every interface.
 */
public final class FreePorts {

    private static final int LOWEST = 10_000;
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    public static int take() {
        int below = ephemeralLow();
        for (int i = 0; i < 500; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (GIVEN.add(port) && isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and " + below);
    }

    public static boolean isFree(int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(false);
            probe.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of Linux's ephemeral range (32768 by default); the same default elsewhere. */
    private static int ephemeralLow() {
        try {
            String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
            int low = Integer.parseInt(range.split("\\s+")[0]);
            return Math.max(low, LOWEST + 5_000);
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }
}
