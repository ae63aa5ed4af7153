// Keeps the documents true. In README.md, docs/*.md and bench/README.md:
// - every repository path written in code (`src/...`, `crates/...`, ...) and every relative
//   link exists, and a link's #anchor names a heading of the page it points to;
// - every `npm run X` names a script of package.json;
// - every flag of a `gops-native ...` command line is in that command's real --help, and every
//   bare flag (`--json`) in some command's;
// - every code block fenced as ```ts runnable runs to exit 0 against the built package;
// - typedoc finds every public export of index.ts documented (warnings are errors).
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, dirname, join, relative, resolve } from 'node:path'
import { promisify } from 'node:util'
import test from 'ava'
import { packageRoot } from '../src/package-root'
import { runCli } from './helpers/cli'

const run = promisify(execFile)

const DOCUMENTS = [
  'README.md',
  'bench/README.md',
  ...readdirSync(join(packageRoot, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
]

/** The info string that marks a code block as a program the tests run. */
const RUNNABLE = 'ts runnable'

/** Git-ignored outputs the documents name: absent from a fresh clone until built. */
const GENERATED = ['docs/api']

/** Top-level folders of the repository: a path in code starting with one is checked. */
const REPO_DIRS = ['crates', 'src', '__test__', 'bench', 'scripts', 'npm', 'docs', 'bin', '.ci', '.github']

interface Block {
  info: string
  code: string
  line: number
}

interface Document {
  path: string
  text: string
  /** Fenced code blocks. */
  blocks: Block[]
  /** Inline code spans outside the blocks. */
  spans: string[]
  /** Prose outside the blocks. */
  prose: string
}

function parse(path: string): Document {
  const text = readFileSync(join(packageRoot, path), 'utf8')
  const blocks: Block[] = []
  const prose: string[] = []
  let open: Block | null = null
  text.split('\n').forEach((line, i) => {
    const fence = line.match(/^```(.*)$/)
    if (fence && !open) open = { info: fence[1].trim(), code: '', line: i + 1 }
    else if (fence && open) {
      blocks.push(open)
      open = null
    } else if (open) open.code += `${line}\n`
    else prose.push(line)
  })
  const outside = prose.join('\n')
  const spans = [...outside.matchAll(/`([^`\n]+)`/g)].map((m) => m[1])
  return { path, text, blocks, spans, prose: outside }
}

const documents = DOCUMENTS.map(parse)

/** Every piece of code a document shows: its spans and each line of its blocks. */
function codeOf(doc: Document): string[] {
  return [...doc.spans, ...doc.blocks.flatMap((b) => b.code.split('\n'))]
}

/** `a/{b,c}.rs` as `a/b.rs`, `a/c.rs`. */
function expandBraces(path: string): string[] {
  const m = path.match(/^(.*?)\{([^{}]*)\}(.*)$/)
  if (!m) return [path]
  return m[2].split(',').flatMap((alt) => expandBraces(`${m[1]}${alt}${m[3]}`))
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  const found = new Set<string>()
  for (const [, heading] of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    found.add(
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    )
  }
  return found
}

test('the documents checked are the README, bench/README.md and every page in docs/', (t) => {
  for (const page of ['discovery', 'inspect', 'client', 'agent', 'exporter', 'platforms', 'architecture', 'contributing', 'errors']) {
    t.true(DOCUMENTS.includes(`docs/${page}.md`), `docs/${page}.md`)
  }
})

test('every repository path named in code exists', (t) => {
  const pattern = new RegExp(`(?<![\\w./-])((?:${REPO_DIRS.map((d) => d.replace('.', '\\.')).join('|')})/[\\w./@{},-]*)`, 'g')
  const missing: string[] = []
  let checked = 0
  for (const doc of documents) {
    for (const code of codeOf(doc)) {
      for (const [, raw] of code.matchAll(pattern)) {
        const path = raw.replace(/[.,]+$/, '')
        for (const one of expandBraces(path)) {
          if (GENERATED.some((dir) => one.startsWith(dir))) continue
          checked++
          if (!existsSync(join(packageRoot, one))) missing.push(`${doc.path}: ${one}`)
        }
      }
    }
  }
  t.true(checked > 50, `only ${checked} paths found: is the pattern still right?`)
  t.deepEqual(missing, [])
})

test('every relative link points at a file that exists, and its anchor at a heading there', (t) => {
  const broken: string[] = []
  for (const doc of documents) {
    for (const [, target] of doc.prose.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue // https:, mailto:
      const [file, anchor] = target.split('#')
      const path = file ? resolve(packageRoot, dirname(doc.path), file) : join(packageRoot, doc.path)
      if (!existsSync(path)) {
        broken.push(`${doc.path}: ${target} (no ${relative(packageRoot, path)})`)
        continue
      }
      if (anchor && path.endsWith('.md') && !anchors(readFileSync(path, 'utf8')).has(anchor)) {
        broken.push(`${doc.path}: ${target} (no heading #${anchor} in ${relative(packageRoot, path)})`)
      }
    }
  }
  t.deepEqual(broken, [])
})

test('every `npm run` names a script of package.json', (t) => {
  const scripts = Object.keys(JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')).scripts)
  const unknown: string[] = []
  let checked = 0
  for (const doc of documents) {
    for (const [, name] of doc.text.matchAll(/npm run ([\w:.-]+)/g)) {
      checked++
      if (!scripts.includes(name)) unknown.push(`${doc.path}: npm run ${name}`)
    }
  }
  t.true(checked > 10)
  t.deepEqual(unknown, [])
})

/** Each command's flags, read from the CLI's own --help; '' is the program itself. */
async function cliFlags(): Promise<Map<string, Set<string>>> {
  const top = await runCli(['--help'])
  const commands = new Map<string, string>() // every name and alias -> the name
  for (const [, names] of top.stdout.matchAll(/^ {2}([a-z][\w|-]*)(?: \[options\])?/gm)) {
    if (names === 'help') continue
    for (const name of names.split('|')) commands.set(name, names.split('|')[0])
  }
  const flags = new Map<string, Set<string>>()
  const read = (help: string) => new Set([...help.matchAll(/^ +(?:(-\w), )?(--[\w-]+)/gm)].flatMap((m) => [m[1], m[2]].filter(Boolean)))
  flags.set('', read(top.stdout))
  await Promise.all(
    [...new Set(commands.values())].map(async (name) => {
      const help = await runCli([name, '--help'])
      if (help.code !== 0) throw new Error(`gops-native ${name} --help exited ${help.code}: ${help.stderr}`)
      flags.set(name, read(help.stdout))
    }),
  )
  for (const [alias, name] of commands) flags.set(alias, flags.get(name)!)
  return flags
}

test('every flag of a gops-native command line is in that command’s --help', async (t) => {
  const flags = await cliFlags()
  t.true(flags.has('exporter') && flags.get('exporter')!.has('--listen'), 'the help output could not be read')
  const all = new Set([...flags.values()].flatMap((f) => [...f]))
  const wrong: string[] = []
  let checked = 0
  for (const doc of documents) {
    for (const code of codeOf(doc)) {
      // A bare flag in prose: some command must have it.
      if (doc.spans.includes(code) && /^--\w/.test(code)) {
        const flag = code.split(/[ =]/)[0]
        checked++
        if (!all.has(flag)) wrong.push(`${doc.path}: ${code} (no command has ${flag})`)
        continue
      }
      for (const [, rest] of code.matchAll(/(?:^|[\s(`])gops-native((?: +[^\s#;&|`)][^\s;`)]*| +[^\s#;&`]*\|[^\s#;&`]*)*)/g)) {
        const words = rest.trim().split(/ +/).filter(Boolean)
        const first = words.find((w) => !w.startsWith('-') && !w.startsWith('['))
        const named = first?.split('|').filter((c) => flags.has(c)) ?? []
        // `gops-native`, `gops-native <pid>`: the plain list or one process.
        const commands = named.length > 0 ? named : ['', 'list', 'process']
        const allowed = new Set(commands.flatMap((c) => [...flags.get(c)!]))
        for (const word of words) {
          const flag = word.replace(/^\[/, '').replace(/[\]]$/, '').split('=')[0]
          if (!/^--?[a-zA-Z]/.test(flag)) continue
          checked++
          if (!allowed.has(flag)) wrong.push(`${doc.path}: gops-native${rest} (${flag} is not in the --help of ${commands.join(', ') || 'gops-native'})`)
        }
      }
    }
  }
  t.true(checked > 10, `only ${checked} flags found`)
  t.deepEqual(wrong, [])
})

const runnable = documents.flatMap((doc) => doc.blocks.filter((b) => b.info === RUNNABLE).map((block) => ({ doc, block })))

test('the README has runnable examples', (t) => {
  t.true(runnable.filter(({ doc }) => doc.path === 'README.md').length >= 5)
})

for (const { doc, block } of runnable) {
  test.serial(`${doc.path}:${block.line} runs`, async (t) => {
    if (!existsSync(join(packageRoot, 'dist', 'index.js'))) {
      t.fail('the runnable examples import the built package: run `npm run build` first')
      return
    }
    // Inside the repository, so `import ... from 'gops-native'` resolves to this package itself
    // (its exports map: dist/), as it would from a project that installed it.
    const dir = join(packageRoot, '.cache', 'docs-examples')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, `${basename(doc.path, '.md')}-${dirname(doc.path).replace(/\W/g, '')}-${block.line}.mts`)
    writeFileSync(file, block.code)
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', file], { cwd: packageRoot, timeout: 120_000, encoding: 'utf8' })
      t.log(`${stdout}${stderr}`.trim().slice(0, 2000))
      t.pass()
    } catch (error) {
      const e = error as { code?: number; signal?: string; stdout?: string; stderr?: string }
      t.fail(`exit ${e.code ?? e.signal}\n${e.stdout ?? ''}${e.stderr ?? ''}`)
    }
  })
}

test('typedoc finds every public export documented', async (t) => {
  const typedoc = join(packageRoot, 'node_modules', 'typedoc', 'bin', 'typedoc')
  try {
    await run(process.execPath, [typedoc, '--emit', 'none'], { cwd: packageRoot, timeout: 300_000, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    t.pass()
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string }
    t.fail(`typedoc (typedoc.json: warnings are errors) failed: document every export of index.ts\n${e.stdout ?? ''}${e.stderr ?? ''}`)
  }
})
