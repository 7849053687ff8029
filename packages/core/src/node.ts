/** Node entry: everything in the browser entry plus the parts that touch disks, processes and networks. */
export * from "./index.js";
export { layerlabHome } from "./store/layerlab-home.js";
