package nstat

// usageText is what nstat 6.1 prints to stderr for -h, -? and a bad
// option, before exiting 255. stackbox's own options (--netns,
// --prometheus, --softnet) are documented in the package comment.
const usageText = `Usage: nstat [OPTION] [ PATTERN [ PATTERN ] ]
   -h, --help          this message
   -a, --ignore        ignore history
   -d, --scan=SECS     sample every statistics every SECS
   -j, --json          format output in JSON
   -n, --nooutput      do history only
   -p, --pretty        pretty print
   -r, --reset         reset history
   -s, --noupdate      don't update history
   -t, --interval=SECS report average over the last SECS
   -V, --version       output version information
   -z, --zeros         show entries with zero activity
`

// versionText is what nstat 6.1 prints for -V.
const versionText = "nstat utility, iproute2-6.1.0\n"
