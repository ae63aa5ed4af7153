import test from 'ava'
import { decodeVarint, encodeVarint } from '../src/protocol/constants'
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
