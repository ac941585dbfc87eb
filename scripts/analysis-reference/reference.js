// Runs the analysis networks in their original runtime (TF.js 4.22, CPU backend) and writes the
// numbers the C# parity tests compare the converted ONNX models against.
//   cd scripts/analysis-reference && npm install && node reference.js ../../tests/Portal.Engine.Tests/Models/Reference/analysis-networks.json
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const jpeg = require('jpeg-js');

// The synthetic input both sides build: integer levels, so 0..1 (C#) and 0..255 (TF.js) agree exactly.
// Keep in step with AnalysisReference.Pattern in the tests.
function pattern(size) {
  const values = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      for (let c = 0; c < 3; c++) {
        const smooth = (x * 3 + y * 2 + c * 70) % 256;
        const checker = ((x >> 3) + (y >> 3)) % 2 === 0 ? 40 : -40;
        const level = Math.min(255, Math.max(0, Math.floor(smooth * 0.7 + 40 + checker)));
        values[(y * size + x) * 3 + c] = level;
      }
    }
  }
  return tf.tensor4d(values, [1, size, size, 3]);
}

const round = (v) => Number(v.toPrecision(7));
const list = (data) => Array.from(data, round);

async function faceNetworks(result) {
  const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
  await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
  await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
  await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);

  const detectorInput = pattern(416);
  const boxes = await faceapi.nets.tinyFaceDetector.forward(detectorInput, 416);
  // NHWC [1,13,13,25] -> NCHW order [25,13,13], the converted graph's layout.
  result.tinyFaceDetector = { inputSize: 416, output: list(await boxes.transpose([0, 3, 1, 2]).data()) };

  const landmarks = await faceapi.nets.faceLandmark68Net.forward(pattern(112));
  result.faceLandmark68 = { inputSize: 112, output: list(await landmarks.data()) };

  const embedding = await faceapi.nets.faceRecognitionNet.forward(pattern(150));
  result.faceRecognition = { inputSize: 150, output: list(await embedding.data()) };
}

async function sampleFaces(result) {
  // The whole pipeline on the package's own demo photo, decoded by a pure-JS JPEG decoder.
  const file = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo', 'sample1.jpg');
  const decoded = jpeg.decode(fs.readFileSync(file), { useTArray: true, formatAsRGBA: false });
  const image = tf.tensor3d(decoded.data, [decoded.height, decoded.width, 3], 'int32');
  const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });
  const faces = await faceapi.detectAllFaces(image, options).withFaceLandmarks().withFaceDescriptors();
  result.sample1 = faces.map((f) => ({
    score: round(f.detection.score),
    box: [f.detection.box.x, f.detection.box.y, f.detection.box.width, f.detection.box.height].map(round),
    landmarks: f.landmarks.positions.flatMap((p) => [round(p.x), round(p.y)]),
    // The box the descriptor is computed from (dlib-style alignment, ComputeFaceDescriptorsTasks.ts).
    alignedBox: ((b) => [b.x, b.y, b.width, b.height])(f.landmarks.align(null, { useDlibAlignment: true })),
    descriptor: list(f.descriptor),
  }));
}

async function featureNetwork(result) {
  const dir = path.join(path.join(__dirname, 'node_modules', 'nsfwjs'), 'dist', 'models', 'mobilenet_v2');
  const modelJson = require(path.join(dir, 'model.min.js'));
  const weights = Buffer.from(require(path.join(dir, 'group1-shard1of1.min.js')), 'base64');
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength);
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest[0].weights,
    weightData,
  }));
  // Keep in step with MobileNetFeatures.Taps.
  const taps = ['Conv1_relu', 'block_2_add', 'block_5_add', 'block_9_add'];
  const features = tf.model({ inputs: model.inputs, outputs: taps.map((t) => model.getLayer(t).output) });
  // Keras' MobileNetV2 preprocessing for its ImageNet weights: -1..1 (the converted graph bakes this in).
  const outputs = features.predict(pattern(224).div(127.5).sub(1));
  result.mobileNetV2 = { inputSize: 224, taps: {} };
  for (let i = 0; i < taps.length; i++) {
    // NHWC -> NCHW, then a fixed stride of samples plus the mean of squares.
    const nchw = await outputs[i].transpose([0, 3, 1, 2]).data();
    const samples = [];
    for (let j = 0; j < nchw.length; j += 997) samples.push(round(nchw[j]));
    let squares = 0;
    for (const v of nchw) squares += v * v;
    result.mobileNetV2.taps[taps[i]] = { shape: outputs[i].shape, stride: 997, samples, meanSquare: round(squares / nchw.length) };
  }
}

(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  const result = { runtime: `tfjs ${tf.version.tfjs} (${tf.getBackend()})` };
  await faceNetworks(result);
  await sampleFaces(result);
  await featureNetwork(result);
  const out = process.argv[2] || 'analysis-networks.json';
  fs.writeFileSync(out, JSON.stringify(result, null, 1) + '\n');
  console.log(`wrote ${out}`);
})().catch((e) => { console.error(e); process.exit(1); });
