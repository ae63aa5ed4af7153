// Runs the CLI from source, as bin/gops-native.js runs it from dist.
import { main } from '../../src/cli/main'

void main(process.argv.slice(2))
