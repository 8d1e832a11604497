package dev.herald.http;

/** A request Herald will not serve, with the HTTP status and a reason the caller can act on. */
public final class HttpProblem extends RuntimeException {

    private final int status;

    public HttpProblem(int status, String detail) {
        super(detail);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
