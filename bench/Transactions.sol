// SPDX-License-Identifier: MIT
// The contracts of the real transactions verified frame by frame (scripts/bench/transactions.ts): a minimal router
// over an official Uniswap V2 pair (the pair, factory and tokens are the compiled artifacts of @uniswap/v2-core
// 1.0.1), an OpenZeppelin ERC-20, and three contracts whose nested calls revert at depth 2.
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

interface IERC20Minimal {
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}

interface IUniswapV2PairMinimal {
    function token0() external view returns (address);
    function getReserves() external view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast);
    function swap(uint256 amount0Out, uint256 amount1Out, address to, bytes calldata data) external;
    function mint(address to) external returns (uint256 liquidity);
}

/// One hop of UniswapV2Router02.swapExactTokensForTokens, with the pair given: pay the pair, price the trade from
/// its reserves with the 0.3% fee, and swap; and the core of its addLiquidity (pay the pair both tokens, mint).
contract SwapRouter {
    function getAmountOut(uint256 amountIn, uint256 reserveIn, uint256 reserveOut) public pure returns (uint256) {
        require(amountIn > 0, "SwapRouter: INSUFFICIENT_INPUT_AMOUNT");
        require(reserveIn > 0 && reserveOut > 0, "SwapRouter: INSUFFICIENT_LIQUIDITY");
        uint256 amountInWithFee = amountIn * 997;
        return (amountInWithFee * reserveOut) / (reserveIn * 1000 + amountInWithFee);
    }

    function swapExactTokensForTokens(address pair, address tokenIn, uint256 amountIn, uint256 amountOutMin, address to)
        external
        returns (uint256 amountOut)
    {
        require(IERC20Minimal(tokenIn).transferFrom(msg.sender, pair, amountIn), "SwapRouter: TRANSFER_FROM_FAILED");
        address token0 = IUniswapV2PairMinimal(pair).token0();
        (uint112 reserve0, uint112 reserve1,) = IUniswapV2PairMinimal(pair).getReserves();
        bool zeroForOne = tokenIn == token0;
        (uint256 reserveIn, uint256 reserveOut) = zeroForOne ? (uint256(reserve0), uint256(reserve1)) : (uint256(reserve1), uint256(reserve0));
        amountOut = getAmountOut(amountIn, reserveIn, reserveOut);
        require(amountOut >= amountOutMin, "SwapRouter: INSUFFICIENT_OUTPUT_AMOUNT");
        (uint256 amount0Out, uint256 amount1Out) = zeroForOne ? (uint256(0), amountOut) : (amountOut, uint256(0));
        IUniswapV2PairMinimal(pair).swap(amount0Out, amount1Out, to, new bytes(0));
    }

    /// The core of UniswapV2Router02.addLiquidity, with the pair and the amounts given: pay the pair both tokens
    /// (the caller must have approved this router for each) and mint the liquidity tokens to `to`.
    function addLiquidity(address pair, address tokenA, address tokenB, uint256 amountA, uint256 amountB, address to)
        external
        returns (uint256 liquidity)
    {
        require(IERC20Minimal(tokenA).transferFrom(msg.sender, pair, amountA), "SwapRouter: TRANSFER_FROM_FAILED");
        require(IERC20Minimal(tokenB).transferFrom(msg.sender, pair, amountB), "SwapRouter: TRANSFER_FROM_FAILED");
        liquidity = IUniswapV2PairMinimal(pair).mint(to);
    }
}

/// An OpenZeppelin 5.x ERC-20 whose whole supply goes to its deployer.
contract BenchToken is ERC20 {
    constructor(uint256 supply) ERC20("Bench", "BNC") {
        _mint(msg.sender, supply);
    }
}

/// Depth 2: counts the attempt, then reverts with a reason when x is too large (undoing the count).
contract Inner {
    uint256 public attempts;

    function attempt(uint256 x) external returns (uint256) {
        attempts += 1;
        require(x < 10, "Inner: too large");
        return x * 2;
    }
}

/// Depth 1: calls Inner, catches its revert, records it and carries on with another call to Inner.
contract Middle {
    Inner public immutable inner;
    uint256 public failures;
    uint256 public lastAttempts;

    event Caught(bytes reason);

    constructor(Inner inner_) {
        inner = inner_;
    }

    function tryInner(uint256 x) external returns (uint256 result) {
        try inner.attempt(x) returns (uint256 y) {
            result = y;
        } catch (bytes memory reason) {
            failures += 1;
            emit Caught(reason);
        }
        lastAttempts = inner.attempts();
    }
}

/// Depth 0: calls Middle and writes after it returns.
contract Outer {
    Middle public immutable middle;
    uint256 public runs;
    uint256 public total;

    constructor(Middle middle_) {
        middle = middle_;
    }

    function run(uint256 x) external returns (uint256 result) {
        result = middle.tryInner(x);
        runs += 1;
        total += result;
    }
}
