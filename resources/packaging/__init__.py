"""Build-time scripts for the installers (`make dist`, `make dist-test`): the Debian package,
its icons, desktop entry and dependencies, and the frozen self-test's checks. Not shipped in
the bundle (build.spec leaves this folder out) and never imported by the app."""
