// Signs with sm-crypto (an implementation nobody here wrote): one JSON object per input line, {"name", "msg" (hex)};
// a fresh key pair for the run. Prints one JSON line per input, {"name", "sig" (hex of DER SEQUENCE {r, s}), "pub"
// (hex 04||X||Y)}. SM3withSM2 with sm-crypto's default signer ID 1234567812345678 (GM/T 0009).
const { sm2 } = require('sm-crypto');
const keys = sm2.generateKeyPairHex();
const input = require('fs').readFileSync(0, 'utf8').trim().split('\n');
for (const line of input) {
  const j = JSON.parse(line);
  const sig = sm2.doSignature(Array.from(Buffer.from(j.msg, 'hex')), keys.privateKey, { der: true, hash: true, publicKey: keys.publicKey });
  console.log(JSON.stringify({ name: j.name, sig, pub: keys.publicKey }));
}
