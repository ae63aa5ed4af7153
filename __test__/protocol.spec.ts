import test from 'ava'
import { decodeVarint, encodeVarint } from '../src/protocol/constants'
import { Command, COMMANDS, commandOfByte } from '../src/protocol/commands'
import { commandTable } from '../src/agent/commands/index'
import { buildProgram } from '../src/cli/main'
import { client } from '../index'
import { silentPeer } from '../support/bad-peers'
import { parsePort } from '../src/protocol/portfile'

test('setgc varints are byte-identical to Go binary.PutVarint', (t) => {
  t.deepEqual([...encodeVarint(-1)], [0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0])
  t.deepEqual([...encodeVarint(100)], [0xc8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0])
  t.is(decodeVarint(encodeVarint(-12345)), -12345)
  t.is(decodeVarint(encodeVarint(2 ** 40)), 2 ** 40)
})

test('an incomplete varint decodes to null', (t) => {
  t.is(decodeVarint(Uint8Array.from([0x80, 0x80])), null)
  t.is(decodeVarint(new Uint8Array(0)), null)
})

test('port files hold a decimal port; anything else is refused', (t) => {
  t.is(parsePort('6060'), 6060)
  t.is(parsePort(' 6060\n'), 6060)
  t.is(parsePort('0'), null)
  t.is(parsePort('70000'), null)
  t.is(parsePort('60a'), null)
  t.is(parsePort(''), null)
})

test('one command table: bytes and names unique, Command derived from it, the agent answers each row', (t) => {
  t.is(new Set(COMMANDS.map((c) => c.byte)).size, COMMANDS.length)
  t.is(new Set(COMMANDS.map((c) => c.name)).size, COMMANDS.length)
  t.deepEqual(Object.entries(Command), COMMANDS.map((c) => [c.key, c.byte]))
  // gops's own bytes (signal/signal.go).
  t.deepEqual(COMMANDS.map((c) => c.byte), [1, 2, 3, 4, 5, 6, 7, 8, 9, 0x10])
  const agent = commandTable([])
  t.deepEqual([...agent.keys()].sort((a, b) => a - b), COMMANDS.map((c) => c.byte))
  for (const [byte, spec] of agent) t.is(commandOfByte(byte)?.name, spec.name)
  t.false(commandTable(['stack', 'setgc']).has(Command.StackTrace))
  t.false(commandTable(['stack', 'setgc']).has(Command.SetGCPercent))
})

test("the CLI's agent commands are the table's, with its descriptions; the client's messages use its names", async (t) => {
  const program = buildProgram()
  const cli = new Map(program.commands.map((c) => [c.name(), c.description()]))
  for (const row of COMMANDS) {
    if (row.name === 'binary-dump') t.false(cli.has(row.name))
    else t.is(cli.get(row.name), row.description, row.name)
  }
  const listener = await silentPeer()
  t.teardown(() => listener.close())
  await t.throwsAsync(client.binaryDump(listener.address, { timeoutMs: 200 }), { code: 'TIMEOUT', message: /did not answer binary-dump within 200 ms/ } as never)
  await t.throwsAsync(client.cpuProfile(listener.address, { timeoutMs: 200 }), { code: 'TIMEOUT', message: /did not answer pprof-cpu within 200 ms/ } as never)
})
