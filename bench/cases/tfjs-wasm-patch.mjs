// Gradient kernels that tfjs-backend-wasm 4.22 ships without, written here as plain JavaScript
// loops over the backend's own heap buffers, so the "tfjs-wasm+patch" column can train LeNet-5
// (Conv2DBackpropFilter) and the Embedding models (UnsortedSegmentSum, the gradient of Gather).
// They are deliberately straightforward, not tuned: the column shows what TF.js WASM costs once
// it can train at all, and the time spent in these kernels is part of it.
//
// A wasm-backend kernel receives TensorInfos; backend.readSync(dataId) copies an input out of the
// wasm heap, backend.makeOutput allocates the result on the heap and typedArrayFromHeap views it.

function conv2dBackpropFilter(tf) {
  return ({ inputs, backend, attrs }) => {
    const { x, dy } = inputs;
    const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
    if (dataFormat !== 'NHWC') throw new Error(`bench Conv2DBackpropFilter: only NHWC, got ${dataFormat}`);
    const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false,
      tf.backend_util.convertConv2DDataFormat(dataFormat));
    const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels,
      filterHeight, filterWidth, strideHeight, strideWidth } = info;
    const top = info.padInfo.top;
    const left = info.padInfo.left;
    const xv = backend.readSync(x.dataId);
    const dyv = backend.readSync(dy.dataId);
    const out = backend.makeOutput(filterShape, 'float32');
    const dw = backend.typedArrayFromHeap(out);
    dw.fill(0);
    // dW[fh][fw][ci][co] = sum over b, oh, ow of x[b][oh*sh - top + fh][ow*sw - left + fw][ci] * dy[b][oh][ow][co]
    for (let b = 0; b < batchSize; ++b) {
      for (let oh = 0; oh < outHeight; ++oh) {
        for (let ow = 0; ow < outWidth; ++ow) {
          const dyBase = ((b * outHeight + oh) * outWidth + ow) * outChannels;
          for (let fh = 0; fh < filterHeight; ++fh) {
            const ih = oh * strideHeight - top + fh;
            if (ih < 0 || ih >= inHeight) continue;
            for (let fw = 0; fw < filterWidth; ++fw) {
              const iw = ow * strideWidth - left + fw;
              if (iw < 0 || iw >= inWidth) continue;
              const xBase = ((b * inHeight + ih) * inWidth + iw) * inChannels;
              const wBase = (fh * filterWidth + fw) * inChannels * outChannels;
              for (let ci = 0; ci < inChannels; ++ci) {
                const xval = xv[xBase + ci];
                if (xval === 0) continue;
                const row = wBase + ci * outChannels;
                for (let co = 0; co < outChannels; ++co) dw[row + co] += xval * dyv[dyBase + co];
              }
            }
          }
        }
      }
    }
    return out;
  };
}

// out[numSegments, ...inner]: row segmentIds[i] accumulates row i of x (x = [ids..., ...inner]).
function unsortedSegmentSum() {
  return ({ inputs, backend, attrs }) => {
    const { x, segmentIds } = inputs;
    const { numSegments } = attrs;
    const ids = backend.readSync(segmentIds.dataId);
    const xv = backend.readSync(x.dataId);
    const inner = ids.length === 0 ? 0 : xv.length / ids.length;
    const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
    const sum = backend.typedArrayFromHeap(out);
    sum.fill(0);
    for (let i = 0; i < ids.length; ++i) {
      const id = ids[i];
      if (id < 0 || id >= numSegments) continue;  // TF drops out-of-range ids
      const src = i * inner;
      const dst = id * inner;
      for (let k = 0; k < inner; ++k) sum[dst + k] += xv[src + k];
    }
    return out;
  };
}

const KERNELS = {
  Conv2DBackpropFilter: conv2dBackpropFilter,
  UnsortedSegmentSum: unsortedSegmentSum,
};

// Registers each kernel the wasm backend lacks; returns the names registered.
export function registerMissingWasmKernels(tf) {
  const registered = [];
  for (const [kernelName, make] of Object.entries(KERNELS)) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: make(tf) });
    registered.push(kernelName);
  }
  return registered;
}
