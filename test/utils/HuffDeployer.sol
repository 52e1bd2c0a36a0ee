// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Vm, VmSafe} from "@prb/test/Vm.sol";

/// @title HuffDeployer
/// @notice foundry-huff's shape over the project's own Huff compiler (bin/huffc-ts.mjs), through ffi.
///
///     address hv = HuffDeployer.deploy("Hypervisor");                       // src/Hypervisor.huff
///     address x  = HuffDeployer.config()
///         .with_args(abi.encode(1))
///         .with_constant("OWNER", "0x01")
///         .with_addr_constant("ARCHIVE_FACTORY", factory)
///         .with_uint_constant("LIMIT", 7)
///         .with_bytes32_constant("SALT", bytes32(0))
///         .with_evm_version("prague")                                       // default "prague"
///         .deploy("path/Name");                                              // src/path/Name.huff
///
/// Paths are relative to `src/` without the extension, like foundry-huff ("../test/utils/X" works); a path
/// ending in ".huff" is taken as given, relative to the project root, like foundry-huff-neo.
/// The compiler runs as `node bin/huffc-ts.mjs <file> -b -e <evm> [-c K=V ...]` from the project root; set
/// HUFF_COMPILER (e.g. "hnc", space-separated words) to use another huffc/hnc-compatible compiler.
/// A failed compilation reverts with the compiler's stderr. The deploy bytecode ++ args is deployed with
/// CREATE from the config contract.
library HuffDeployer {
    function config() internal returns (HuffConfig) {
        return new HuffConfig();
    }

    function deploy(string memory fileName) internal returns (address) {
        return config().deploy(fileName);
    }

    function deploy_with_args(string memory fileName, bytes memory args) internal returns (address) {
        return config().with_args(args).deploy(fileName);
    }

    function broadcast(string memory fileName) internal returns (address) {
        return config().set_broadcast(true).deploy(fileName);
    }

    /// @notice The deploy bytecode (constructor + runtime, no args) without deploying.
    function creation_code(string memory fileName) internal returns (bytes memory) {
        return config().creation_code(fileName);
    }
}

contract HuffConfig {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    struct Constant {
        string key;
        string value;
    }

    bytes public args;
    uint256 public value;
    string public code;
    string public evm_version = "prague";
    bool public should_broadcast;
    Constant[] internal constants;

    function with_args(bytes memory _args) public returns (HuffConfig) {
        args = _args;
        return this;
    }

    function with_value(uint256 _value) public returns (HuffConfig) {
        value = _value;
        return this;
    }

    /// @notice Huff source text prepended to the file before compiling (foundry-huff's with_code).
    function with_code(string memory _code) public returns (HuffConfig) {
        code = _code;
        return this;
    }

    function with_evm_version(string memory _evm_version) public returns (HuffConfig) {
        evm_version = _evm_version;
        return this;
    }

    function set_broadcast(bool b) public returns (HuffConfig) {
        should_broadcast = b;
        return this;
    }

    /// @notice Overrides (or adds) a constant: `-c key=value`. value is 0x-hex, "true" or "false".
    function with_constant(string memory key, string memory _value) public returns (HuffConfig) {
        constants.push(Constant(key, _value));
        return this;
    }

    /// @notice `key=0x` + 20 bytes.
    function with_addr_constant(string memory key, address _value) public returns (HuffConfig) {
        return with_constant(key, _hex(abi.encodePacked(_value)));
    }

    /// @notice `key=0x` + 32 bytes.
    function with_uint_constant(string memory key, uint256 _value) public returns (HuffConfig) {
        return with_constant(key, _hex(abi.encodePacked(_value)));
    }

    /// @notice `key=0x` + 32 bytes.
    function with_bytes32_constant(string memory key, bytes32 _value) public returns (HuffConfig) {
        return with_constant(key, _hex(abi.encodePacked(_value)));
    }

    /// @notice Several `K=V` pairs at once, separated by spaces or commas (e.g. from an env var).
    function with_constants_list(string memory list) public returns (HuffConfig) {
        bytes memory b = bytes(list);
        uint256 start = 0;
        for (uint256 i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == " " || b[i] == "," || b[i] == "\n" || b[i] == "\t") {
                if (i > start) {
                    bytes memory pair = _slice(b, start, i);
                    uint256 eq = _indexOf(pair, "=");
                    require(eq != type(uint256).max && eq > 0, string.concat("HuffDeployer: bad constant ", string(pair)));
                    with_constant(string(_slice(pair, 0, eq)), string(_slice(pair, eq + 1, pair.length)));
                }
                start = i + 1;
            }
        }
        return this;
    }

    /// @notice The source path the compiler is given.
    function source_path(string memory fileName) public pure returns (string memory) {
        bytes memory f = bytes(fileName);
        if (f.length >= 5 && keccak256(_slice(f, f.length - 5, f.length)) == keccak256(".huff")) return fileName;
        return string.concat("src/", fileName, ".huff");
    }

    /// @notice The argv of the compiler invocation.
    function compiler_command(string memory path) public returns (string[] memory cmd) {
        string[] memory prefix = _compilerPrefix();
        uint256 n = prefix.length + 4 + (constants.length > 0 ? 1 + constants.length : 0);
        cmd = new string[](n);
        uint256 k = 0;
        for (uint256 i = 0; i < prefix.length; i++) cmd[k++] = prefix[i];
        cmd[k++] = path;
        cmd[k++] = "-b";
        cmd[k++] = "-e";
        cmd[k++] = evm_version;
        if (constants.length > 0) {
            cmd[k++] = "-c";
            for (uint256 i = 0; i < constants.length; i++) {
                cmd[k++] = string.concat(constants[i].key, "=", constants[i].value);
            }
        }
    }

    /// @notice Compiles and returns the deploy bytecode (without args).
    function creation_code(string memory fileName) public returns (bytes memory bytecode) {
        string memory path = source_path(fileName);
        string memory tempPath;
        if (bytes(code).length != 0) {
            tempPath = _tempPath(path);
            vm.writeFile(tempPath, string.concat(code, "\n", vm.readFile(path)));
            path = tempPath;
        }
        VmSafe.FfiResult memory r = vm.tryFfi(compiler_command(path));
        if (bytes(tempPath).length != 0) vm.removeFile(tempPath);
        if (r.exitCode != 0) {
            revert(string.concat("HuffDeployer: compiling ", path, " failed: ", string(r.stderr)));
        }
        // forge decodes a hex stdout itself; a stdout that is not hex arrives as text.
        bytecode = r.stdout;
        require(bytecode.length > 0, string.concat("HuffDeployer: the compiler printed nothing for ", path));
        require(!_isHexText(bytecode), string.concat("HuffDeployer: unexpected compiler output for ", path));
    }

    function deploy(string memory fileName) public payable returns (address deployed) {
        bytes memory initCode = bytes.concat(creation_code(fileName), args);
        uint256 v = value;
        if (should_broadcast) vm.broadcast();
        assembly ("memory-safe") {
            deployed := create(v, add(initCode, 0x20), mload(initCode))
        }
        require(deployed != address(0), string.concat("HuffDeployer: deployment of ", fileName, " failed"));
    }

    // ---------------------------------------------------------------- helpers

    function _compilerPrefix() internal returns (string[] memory words) {
        string memory custom = vm.envOr("HUFF_COMPILER", string(""));
        if (bytes(custom).length == 0) {
            words = new string[](2);
            words[0] = "node";
            words[1] = "bin/huffc-ts.mjs";
            return words;
        }
        bytes memory b = bytes(custom);
        uint256 count = 0;
        for (uint256 i = 0; i < b.length; i++) {
            if (b[i] != " " && (i == 0 || b[i - 1] == " ")) count++;
        }
        words = new string[](count);
        uint256 k = 0;
        uint256 start = 0;
        for (uint256 i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == " ") {
                if (i > start) words[k++] = string(_slice(b, start, i));
                start = i + 1;
            }
        }
    }

    function _tempPath(string memory path) internal view returns (string memory) {
        bytes memory p = bytes(path);
        uint256 slash = 0;
        for (uint256 i = 0; i < p.length; i++) if (p[i] == "/") slash = i + 1;
        uint256 rnd = uint256(keccak256(abi.encode(address(this), block.timestamp, gasleft()))) % 1e12;
        return string.concat(
            string(_slice(p, 0, slash)), "__TEMP__", vm.toString(rnd), string(_slice(p, slash, p.length))
        );
    }

    function _hex(bytes memory b) internal pure returns (string memory) {
        bytes memory digits = "0123456789abcdef";
        bytes memory s = new bytes(2 + 2 * b.length);
        s[0] = "0";
        s[1] = "x";
        for (uint256 i = 0; i < b.length; i++) {
            s[2 + 2 * i] = digits[uint8(b[i]) >> 4];
            s[3 + 2 * i] = digits[uint8(b[i]) & 15];
        }
        return string(s);
    }

    function _isHexText(bytes memory b) internal pure returns (bool) {
        if (b.length < 2) return false;
        for (uint256 i = 0; i < b.length; i++) {
            bytes1 c = b[i];
            bool ok = (c >= "0" && c <= "9") || (c >= "a" && c <= "f") || (c >= "A" && c <= "F") || c == "x"
                || c == "\n";
            if (!ok) return false;
        }
        return true;
    }

    function _slice(bytes memory b, uint256 from, uint256 to) internal pure returns (bytes memory r) {
        r = new bytes(to - from);
        for (uint256 i = 0; i < r.length; i++) r[i] = b[from + i];
    }

    function _indexOf(bytes memory b, bytes1 c) internal pure returns (uint256) {
        for (uint256 i = 0; i < b.length; i++) if (b[i] == c) return i;
        return type(uint256).max;
    }
}
