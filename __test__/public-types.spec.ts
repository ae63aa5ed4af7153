// What a user's editor shows for the public API: every exported type and function, and every
// property of an exported interface, printed the way a hover prints it (TypeScript's checker).
// None may show the internal derivation (Native* types, WithNulls, Reshaped, Readonly<...>):
// the public shapes are named interfaces derived from src/native-types.ts (src/native-shape.ts).
// Absent values are null everywhere, never an optional field.
import test from 'ava'
import { join } from 'node:path'
import ts from 'typescript'

const root = join(__dirname, '..')
const INTERNAL = /\bNative\w*|\bWithNulls\b|\bReshaped\b|\bPlain\b|\bbinding\b|\bReadonly<|\bOmit<|\bPick<|import\(/

function publicApi() {
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!
  const program = ts.createProgram([join(root, 'index.ts')], config.options)
  const checker = program.getTypeChecker()
  const index = program.getSourceFile(join(root, 'index.ts'))!
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias
  const shown: Array<{ where: string; text: string; optional: boolean }> = []
  const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s)
  const visit = (name: string, symbol: ts.Symbol, depth: number): void => {
    const s = resolve(symbol)
    if (s.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) {
      const type = checker.getDeclaredTypeOfSymbol(s)
      if (s.flags & ts.SymbolFlags.TypeAlias) shown.push({ where: `type ${name}`, text: checker.typeToString(type, undefined, flags), optional: false })
      if (s.flags & ts.SymbolFlags.Interface) {
        for (const prop of checker.getPropertiesOfType(type)) {
          const text = checker.typeToString(checker.getTypeOfSymbol(prop), undefined, flags)
          shown.push({ where: `${name}.${prop.name}`, text, optional: (prop.flags & ts.SymbolFlags.Optional) !== 0 })
        }
      }
    }
    if (s.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class | ts.SymbolFlags.Variable)) {
      const decl = s.valueDeclaration ?? s.declarations?.[0]
      if (decl) shown.push({ where: name, text: checker.typeToString(checker.getTypeOfSymbolAtLocation(s, decl), undefined, flags), optional: false })
    }
    if (s.flags & ts.SymbolFlags.Class) {
      const type = checker.getDeclaredTypeOfSymbol(s)
      for (const prop of checker.getPropertiesOfType(type)) {
        if (prop.name.startsWith('#') || prop.name.startsWith('__')) continue
        shown.push({ where: `${name}.${prop.name}`, text: checker.typeToString(checker.getTypeOfSymbol(prop), undefined, flags), optional: false })
      }
    }
    if (depth === 0 && s.flags & ts.SymbolFlags.ValueModule) {
      for (const member of checker.getExportsOfModule(s)) visit(`${name}.${member.name}`, member, 1)
    }
  }
  for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(index)!)) visit(symbol.name, symbol, 0)
  return shown
}

const api = publicApi()

test('the public API shows no internal helper or native type names', (t) => {
  t.true(api.length > 100, `only ${api.length} items found`)
  const leaks = api.filter(({ text }) => INTERNAL.test(text)).map(({ where, text }) => `${where}: ${text}`)
  t.deepEqual(leaks, [])
})

test('what a discovery, inspect or process-details call returns has no optional fields: absent is null', (t) => {
  const returned = /^(GoProcess|ProcessBuildInfo|ProcessModule|ProcessContainer|ScanStats|ScanResult|GoBinaryInfo|SliceInfo|BuildInfo|GoModule|GoModuleReplacement|InspectReason|ProcessDetails|Connection|SocketEndpoint)\./
  const optional = api.filter(({ where, optional }) => returned.test(where) && optional).map(({ where }) => where)
  t.deepEqual(optional, [])
  const shown = new Map(api.map(({ where, text }) => [where, text]))
  t.is(shown.get('GoProcess.nsPid'), 'number | null')
  t.is(shown.get('GoProcess.container'), 'ProcessContainer | null')
  t.is(shown.get('GoBinaryInfo.slices'), 'SliceInfo[] | null')
  t.is(shown.get('GoModule.replace'), 'GoModuleReplacement | null')
  t.regex(shown.get('InspectReason.code') ?? '', /^"NO_GO_EVIDENCE" \| /)
})
