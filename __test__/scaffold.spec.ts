import test from 'ava'
import { native } from '../src/native'
import { decodeVarint, encodeVarint } from '../src/protocol/constants'

test('the native addon loads', (t) => {
  t.is(typeof native.coreVersion(), 'string')
})

test('setgc varints are byte-identical to Go binary.PutVarint', (t) => {
  t.deepEqual([...encodeVarint(-1)], [0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0])
  t.deepEqual([...encodeVarint(100)], [0xc8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0])
  t.is(decodeVarint(encodeVarint(-12345)), -12345)
  t.is(decodeVarint(Uint8Array.from([0x80, 0x80])), null)
})
