export default () => new Response("hi");
