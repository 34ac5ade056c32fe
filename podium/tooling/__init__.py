"""Developer tooling outside the app's layers: throwaway servers for tests and the benchmark harness."""
