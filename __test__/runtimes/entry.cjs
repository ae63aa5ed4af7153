// The CommonJS entry point as a CommonJS file loads it, in every runtime of the matrix: prints
// the exports' names and reads one Go file, so the addon is loaded through require() too.
const gops = require('gops-native')

gops.inspect(process.argv[2]).then(
  (info) => console.log(JSON.stringify({ exports: Object.keys(gops).sort(), goVersion: info.goVersion ?? null })),
  (error) => {
    console.error(`${error.code}: ${error.message}`)
    process.exit(1)
  },
)
