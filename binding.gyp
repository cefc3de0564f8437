{
  "targets": [
    {
      "target_name": "sg_optim",
      "type": "none",
      "actions": [
        {
          "action_name": "cmake_js_or_prebuilt",
          "inputs": [],
          "outputs": ["<(module_root_dir)/build/Release/sg_optim.node"],
          "action": ["node", "<(module_root_dir)/scripts/install.js"]
        }
      ]
    }
  ]
}
