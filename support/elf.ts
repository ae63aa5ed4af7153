// Just enough ELF reading for the tests to damage fixtures on purpose: find a section,
// and zero the section-header fields. Independent of the parser under test.

export interface ElfSection {
  name: string
  addr: bigint
  offset: number
  size: number
}

interface ElfLayout {
  is64: boolean
  littleEndian: boolean
  shoff: number
  shentsize: number
  shnum: number
  shstrndx: number
}

function layout(elf: Buffer): ElfLayout {
  if (elf.readUInt32BE(0) !== 0x7f454c46) throw new Error('not an ELF file')
  const is64 = elf[4] === 2
  const littleEndian = elf[5] === 1
  const u16 = (at: number) => (littleEndian ? elf.readUInt16LE(at) : elf.readUInt16BE(at))
  const word = (at: number) =>
    is64 ? Number(littleEndian ? elf.readBigUInt64LE(at) : elf.readBigUInt64BE(at)) : littleEndian ? elf.readUInt32LE(at) : elf.readUInt32BE(at)
  const [shoffAt, shentsizeAt] = is64 ? [0x28, 0x3a] : [0x20, 0x2e]
  return {
    is64,
    littleEndian,
    shoff: word(shoffAt),
    shentsize: u16(shentsizeAt),
    shnum: u16(shentsizeAt + 2),
    shstrndx: u16(shentsizeAt + 4),
  }
}

export function elfSections(elf: Buffer): ElfSection[] {
  const { is64, littleEndian, shoff, shentsize, shnum, shstrndx } = layout(elf)
  const u32 = (at: number) => (littleEndian ? elf.readUInt32LE(at) : elf.readUInt32BE(at))
  const addrAt = (at: number) =>
    is64 ? (littleEndian ? elf.readBigUInt64LE(at) : elf.readBigUInt64BE(at)) : BigInt(u32(at))
  const raw = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize
    return is64
      ? { nameOff: u32(at), addr: addrAt(at + 0x10), offset: Number(addrAt(at + 0x18)), size: Number(addrAt(at + 0x20)) }
      : { nameOff: u32(at), addr: addrAt(at + 0x0c), offset: u32(at + 0x10), size: u32(at + 0x14) }
  })
  const names = raw[shstrndx]
  return raw.map(({ nameOff, addr, offset, size }) => {
    const start = names.offset + nameOff
    return { name: elf.toString('latin1', start, elf.indexOf(0, start)), addr, offset, size }
  })
}

export function elfSection(elf: Buffer, name: string): ElfSection {
  const section = elfSections(elf).find((s) => s.name === name)
  if (!section) throw new Error(`no ${name} section`)
  return section
}

/** What a "section headers removed" binary looks like: e_shoff, e_shnum and e_shstrndx zeroed. */
export function zeroSectionHeaderFields(elf: Buffer): void {
  const shoffAt = elf[4] === 2 ? 0x28 : 0x20
  const shnumAt = elf[4] === 2 ? 0x3c : 0x30
  elf.fill(0, shoffAt, shoffAt + (elf[4] === 2 ? 8 : 4))
  elf.fill(0, shnumAt, shnumAt + 4) // e_shnum and e_shstrndx
}
